#!/usr/bin/python3
# test-ru.py — the real smtp-client window in Russian, read over AT-SPI
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run under Xvfb (xvfb-run -a), like test-e2e.py, whose helpers it uses (test server, settings
# folder, private D-Bus session, AT-SPI walks). Launches SC_CLIENT_BIN with LANGUAGE=ru
# (LC_ALL=C.UTF-8, which glibc's gettext does not treat as "C") and SC_LOCALEDIR at the
# translations built into the build folder (SC_TEST_LOCALEDIR), then checks over AT-SPI that
# the labels are the Russian ones, that no accessible name is an English message that has a
# translation, and that the status after a send is Russian. Exits with 77 (skipped) without
# AT-SPI.

import gettext
import importlib.util
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile

spec = importlib.util.spec_from_file_location(
    'e2e', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-e2e.py'))
e2e = importlib.util.module_from_spec(spec)
spec.loader.exec_module(e2e)
log, fail, wait_for = e2e.log, e2e.fail, e2e.wait_for


def english_messages(mo):
    """The English messages of @mo that have a translation different from themselves, without
    their mnemonic underscores (as they would show in an accessible name)."""
    with open(mo, 'rb') as f:
        catalog = gettext.GNUTranslations(f)._catalog
    out = set()
    for key, value in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or '\x04' in msgid:      # the header; msgctxt is looked at below
            continue
        if value != msgid:
            out.add(msgid.replace('_', ''))
    for key in catalog:
        msgid = key[0] if isinstance(key, tuple) else key
        if '\x04' in msgid:
            out.add(msgid.split('\x04', 1)[1])
    # Words that are the same in both languages' accessible names stay out.
    return {m for m in out if m.strip() and m not in ('TLS', 'STARTTLS')}


def find_windows():
    out = e2e.xdotool('search', '--onlyvisible', '--name', 'SMTP', check=False)
    return [w for w in out.split() if w]


def main():
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    client = os.environ.get('SC_CLIENT_BIN')
    localedir = os.environ.get('SC_TEST_LOCALEDIR')
    if not client or not os.access(client, os.X_OK):
        fail('SC_CLIENT_BIN is not set to the built smtp-client')
    if not localedir:
        fail('SC_TEST_LOCALEDIR is not set to the build folder\'s po/')
    mo = os.path.join(localedir, 'ru', 'LC_MESSAGES', 'smtp-client.mo')
    if not os.path.isfile(mo):
        fail('no Russian translation built: %s' % mo)
    if not os.environ.get('DISPLAY'):
        fail('no DISPLAY: run under xvfb-run -a')
    if e2e.Atspi is None:
        print('SKIP: needs AT-SPI from Python (packages python3-gi gir1.2-atspi-2.0)', flush=True)
        raise SystemExit(77)
    english = english_messages(mo)

    workdir = tempfile.mkdtemp(prefix='sc-ru-')
    server = app = dbus = None
    try:
        certs = os.path.join(workdir, 'certs')
        gen = os.environ.get('SC_TEST_GEN_CERTS') or os.path.join(
            os.environ['SC_SOURCE_ROOT'], 'tests', 'gen-certs.sh')
        subprocess.run([gen, certs], check=True, timeout=120)
        server, port, maildir = e2e.start_server(workdir, certs)
        settings = os.path.join(workdir, 'settings')
        e2e.write_settings(settings, port, os.path.join(certs, 'ca.pem'))

        runtime = os.path.join(workdir, 'runtime')
        os.mkdir(runtime, 0o700)
        os.environ['XDG_RUNTIME_DIR'] = runtime
        dbus = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--print-address'],
                                preexec_fn=e2e.die_with_parent,
                                stdout=subprocess.PIPE, text=True)
        ready, _, _ = select.select([dbus.stdout], [], [], 10)
        address = dbus.stdout.readline().strip() if ready else ''
        if not address:
            fail('dbus-daemon did not start')
        os.environ['DBUS_SESSION_BUS_ADDRESS'] = address
        env = dict(os.environ)
        env.pop('GTK_A11Y', None)
        if e2e.APP_G_DEBUG is not None:
            env['G_DEBUG'] = e2e.APP_G_DEBUG
        env['LANGUAGE'] = 'ru'
        env['LC_ALL'] = 'C.UTF-8'
        env['SC_LOCALEDIR'] = localedir

        app = subprocess.Popen([client, '--settings', settings], env=env,
                               preexec_fn=e2e.die_with_parent)

        def window_or_exit():
            if app.poll() is not None:
                fail('the app exited with %d before it showed a window' % app.returncode)
            return find_windows()

        window = wait_for('the window', window_or_exit)[0]
        with open(os.path.join(settings, 'body.txt')) as f:
            body = f.read()
        wait_for('the window to show the body file',
                 lambda: any(t.strip() == body.strip() for t in e2e.atspi_texts(app.pid)))

        # The labels, in GNOME's Russian words.
        e2e.check_accessible(app.pid, [
            ('frame', 'SMTP-клиент'),
            ('push button', 'Отправить'), ('push button', 'Сохранить'),
            ('push button', 'Добавить вложение…'),
            ('text', 'Кому'), ('text', 'Тема'), ('text', 'Сообщение'),
            ('list item', 'От ' + e2e.LOGIN)])
        # Two attachments from the folder: the plural form for 2.
        wait_for('the attachments summary in Russian',
                 lambda: any(re.match(r'2 вложения, всего ', name or '')
                             for _, name in e2e.atspi_nodes(app.pid)))
        log('the labels are Russian')

        # No accessible name is an English message that has a Russian translation.
        names = {name for _, name in e2e.atspi_nodes(app.pid) if name}
        left = sorted(names & english)
        if left:
            fail('English left in the window: %r' % left)
        log('no English message among %d accessible names' % len(names))

        # A send: the status says so in Russian.
        e2e.xdotool('windowfocus', '--sync', window)
        e2e.xdotool('key', '--clearmodifiers', 'ctrl+Return')
        e2e.check_accessible(app.pid, [('status bar', 'Сообщение успешно отправлено')])
        log('the status is Russian')

        e2e.xdotool('windowfocus', '--sync', window)
        e2e.xdotool('key', '--clearmodifiers', 'ctrl+q')
        try:
            code = app.wait(timeout=e2e.TIMEOUT)
        except subprocess.TimeoutExpired:
            fail('the app did not quit on Ctrl+Q')
        if code != 0:
            fail('the app exited with %d' % code)
        app = None
        print('PASS')
    finally:
        e2e.stop(app)
        e2e.stop(dbus)
        if server is not None:
            try:
                server.stdin.close()
            except OSError:
                pass
            e2e.stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
