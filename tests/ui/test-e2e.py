#!/usr/bin/python3
# test-e2e.py — the real smtp-client window, driven with xdotool, sends to a real test server
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run under Xvfb (xvfb-run -a). Starts tests/smtp-server.py (implicit TLS, test CA from
# tests/gen-certs.sh, slow to read DATA) on 127.0.0.1, writes a settings folder for it, launches
# SC_CLIENT_BIN --settings DIR inside its own D-Bus session, checks a second launch only presents
# the window, presses Ctrl+Return and waits for the message in the server's maildir, sends again
# and presses Escape (nothing more arrives), then quits with Ctrl+Q. Every wait is bounded and
# waits for something the test can see (a window, the accessible tree, the server's files),
# never a fixed time; everything started is stopped. Needs AT-SPI (python3-gi and
# gir1.2-atspi-2.0): exits with 77 (skipped) without it.

import ctypes
import email
import email.policy
import glob
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TIMEOUT = 30
DATA_DELAY_MS = 5          # per 4 KiB chunk: the 1.5 MiB attachment takes a few seconds
ATTACHMENT_SIZE = 1536 * 1024
LOGIN = 'sender@example.com'
PASSWORD = 'e2e-Secret-42'


STARTED = time.monotonic()


def log(*args):
    print('# %5.1f s' % (time.monotonic() - STARTED), *args, flush=True)


def fail(message):
    print('FAIL:', message, flush=True)
    raise SystemExit(1)


def wait_for(what, predicate, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    fail('timed out waiting for ' + what)


# G_DEBUG (fatal-warnings, from tests/meson.build) is for the app under test. This process only
# reads the accessible tree, and libatspi here warns when an object goes away while it reads
# it, so take G_DEBUG out of this process's environment before GLib is loaded.
APP_G_DEBUG = os.environ.pop('G_DEBUG', None)


def load_atspi():
    """The Atspi module, or None if python3-gi or gir1.2-atspi-2.0 is missing."""
    try:
        import gi
        gi.require_version('Atspi', '2.0')
        from gi.repository import Atspi
    except (ImportError, ValueError):
        return None
    return Atspi


Atspi = load_atspi()


LIBC = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def die_with_parent():
    """Run in a child before exec: it gets SIGTERM when this process dies, even by SIGKILL, so
    that no D-Bus daemon (with the accessibility bus it started) or app outlives the test."""
    LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_server(workdir, certs):
    maildir = os.path.join(workdir, 'mail')
    python = os.environ.get('SC_TEST_PYTHON', '/usr/bin/python3')
    script = os.environ.get('SC_TEST_SERVER') or os.path.join(
        os.environ['SC_SOURCE_ROOT'], 'tests', 'smtp-server.py')
    proc = subprocess.Popen(
        [python, script, '--mode', 'tls',
         '--cert', os.path.join(certs, 'server.pem'),
         '--key', os.path.join(certs, 'server-key.pem'),
         '--maildir', maildir, '--log', os.path.join(workdir, 'server.log'),
         '--events', os.path.join(workdir, 'events.jsonl'),
         '--login', LOGIN, '--password', PASSWORD, '--watch-stdin',
         '--data-delay-ms', str(DATA_DELAY_MS)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    ready, _, _ = select.select([proc.stdout], [], [], 10)
    line = proc.stdout.readline().decode() if ready else ''
    if not line.startswith('READY '):
        proc.kill()
        fail('the test server did not start: %r' % line)
    return proc, int(line.split()[1]), maildir


def write_settings(settings, port, ca_file):
    os.makedirs(os.path.join(settings, 'attachments'))
    with open(os.path.join(settings, 'config.json'), 'w') as f:
        json.dump({'smtp_host': 'localhost', 'smtp_port': port, 'security': 'tls',
                   'ca_file': ca_file, 'timeout_seconds': 10}, f)
    fd = os.open(os.path.join(settings, 'credentials.json'), os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, 'w') as f:
        json.dump({'login': LOGIN, 'password': PASSWORD}, f)
    with open(os.path.join(settings, 'data.json'), 'w') as f:
        json.dump({'to_addrs': ['alice@example.com'],
                   'message': {'subject': 'End to end', 'message_file_path': 'body.txt',
                               'attachment_folder_path': 'attachments'}}, f)
    with open(os.path.join(settings, 'body.txt'), 'w') as f:
        f.write('Sent by pressing Ctrl+Return in the window.\n')
    with open(os.path.join(settings, 'attachments', 'notes.txt'), 'w') as f:
        f.write('attached from the folder\n')
    with open(os.path.join(settings, 'attachments', 'data.bin'), 'wb') as f:
        f.write(os.urandom(ATTACHMENT_SIZE))


# The xdotool meson found (passed as the first argument), else the one on PATH.
XDOTOOL = sys.argv[1] if len(sys.argv) > 1 else 'xdotool'


def xdotool(*args, check=True):
    result = subprocess.run([XDOTOOL] + list(args), capture_output=True, text=True, timeout=10)
    if check and result.returncode != 0:
        fail('xdotool %s: %s' % (' '.join(args), result.stderr.strip()))
    return result.stdout.strip()


def find_windows():
    out = xdotool('search', '--onlyvisible', '--name', 'SMTP Client', check=False)
    return [w for w in out.split() if w]


def atspi_app(pid):
    """The accessible of the application with @pid, or None while AT-SPI does not show it."""
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except Exception:
            continue
    return None


def atspi_nodes(pid):
    """(role, name) of every accessible of the application with @pid."""

    def walk(node, depth, out):
        try:
            out.append((node.get_role_name(), node.get_name()))
            count = node.get_child_count()
        except Exception:
            return
        if depth < 40:
            for i in range(count):
                child = node.get_child_at_index(i)
                if child is not None:
                    walk(child, depth + 1, out)

    app = atspi_app(pid)
    out = []
    if app is not None:
        walk(app, 0, out)
    return out


def atspi_texts(pid):
    """The text of every accessible with the role "text" of the application with @pid."""

    def walk(node, depth, out):
        try:
            if node.get_role_name() == 'text':
                out.append(Atspi.Text.get_text(node, 0, -1))
            count = node.get_child_count()
        except Exception:
            return
        if depth < 40:
            for i in range(count):
                child = node.get_child_at_index(i)
                if child is not None:
                    walk(child, depth + 1, out)

    app = atspi_app(pid)
    out = []
    if app is not None:
        walk(app, 0, out)
    return out


def atspi_focused(pid):
    """(role, name) of the accessibles of the application with @pid that have the focus."""

    def walk(node, depth, out):
        try:
            if node.get_state_set().contains(Atspi.StateType.FOCUSED):
                out.append((node.get_role_name(), node.get_name()))
            count = node.get_child_count()
        except Exception:
            return
        if depth < 40:
            for i in range(count):
                child = node.get_child_at_index(i)
                if child is not None:
                    walk(child, depth + 1, out)

    app = atspi_app(pid)
    out = []
    if app is not None:
        walk(app, 0, out)
    return out


def atspi_windows(pid):
    """How many windows (frames, dialogs) the application with @pid shows."""
    app = atspi_app(pid)
    if app is None:
        return 0
    roles = [app.get_child_at_index(i).get_role_name() for i in range(app.get_child_count())]
    return sum(role in ('frame', 'dialog', 'window') for role in roles)


def check_accessible(pid, wanted):
    """Waits until AT-SPI shows every (role, name) in @wanted."""

    def ready():
        nodes = set(atspi_nodes(pid))
        return all(w in nodes for w in wanted)

    deadline = time.monotonic() + TIMEOUT
    while not ready():
        if time.monotonic() > deadline:
            missing = [w for w in wanted if w not in set(atspi_nodes(pid))]
            log('AT-SPI shows:', sorted(set(n for n in atspi_nodes(pid) if n[1])))
            fail('timed out waiting for AT-SPI to show %r' % (missing,))
        time.sleep(0.1)


def server_commands(workdir):
    """The verbs of the commands the server received, in order."""
    with open(os.path.join(workdir, 'server.log'), errors='replace') as f:
        return [line.split()[0].upper() for line in f if line.strip()]


def sessions_closed(workdir):
    """How many client sessions the server has ended (smtp-server.py --events)."""
    with open(os.path.join(workdir, 'events.jsonl')) as f:
        return sum(json.loads(line)['event'] == 'closed' for line in f if line.strip())


def stop(proc, sig=signal.SIGTERM):
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.send_signal(sig)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def main():
    # meson stops a test that runs too long with SIGTERM: clean up as on any other failure.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    client = os.environ.get('SC_CLIENT_BIN')
    if not client or not os.access(client, os.X_OK):
        fail('SC_CLIENT_BIN is not set to the built smtp-client')
    if not os.environ.get('DISPLAY'):
        fail('no DISPLAY: run under xvfb-run -a')
    if Atspi is None:
        print('SKIP: needs AT-SPI from Python (packages python3-gi gir1.2-atspi-2.0)', flush=True)
        raise SystemExit(77)

    workdir = tempfile.mkdtemp(prefix='sc-e2e-')
    server = app = dbus = None
    try:
        certs = os.path.join(workdir, 'certs')
        gen = os.environ.get('SC_TEST_GEN_CERTS') or os.path.join(
            os.environ['SC_SOURCE_ROOT'], 'tests', 'gen-certs.sh')
        subprocess.run([gen, certs], check=True, timeout=120)
        server, port, maildir = start_server(workdir, certs)
        settings = os.path.join(workdir, 'settings')
        write_settings(settings, port, os.path.join(certs, 'ca.pem'))
        log('server on port', port)

        # A private session bus: the app is unique on it, and no other instance interferes. A
        # private runtime folder, where the accessibility bus that D-Bus starts puts its socket.
        runtime = os.path.join(workdir, 'runtime')
        os.mkdir(runtime, 0o700)
        os.environ['XDG_RUNTIME_DIR'] = runtime
        dbus = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--print-address'],
                                preexec_fn=die_with_parent,
                                stdout=subprocess.PIPE, text=True)
        ready, _, _ = select.select([dbus.stdout], [], [], 10)
        address = dbus.stdout.readline().strip() if ready else ''
        if not address:
            fail('dbus-daemon did not start')
        # AT-SPI (in this process too) goes through the private bus.
        os.environ['DBUS_SESSION_BUS_ADDRESS'] = address
        env = dict(os.environ)
        env.pop('GTK_A11Y', None)
        if APP_G_DEBUG is not None:
            env['G_DEBUG'] = APP_G_DEBUG

        app = subprocess.Popen([client, '--settings', settings], env=env,
                               preexec_fn=die_with_parent)

        def window_or_exit():
            if app.poll() is not None:
                fail('the app exited with %d before it showed a window' % app.returncode)
            return find_windows()

        windows = wait_for('the window', window_or_exit)
        window = windows[0]
        log('window', window)
        # Filled in from the settings: the body file's text is in the message view.
        with open(os.path.join(settings, 'body.txt')) as f:
            body = f.read()
        wait_for('the window to show the body file',
                 lambda: any(t.strip() == body.strip() for t in atspi_texts(app.pid)))
        log('filled in from the settings')

        # A second launch presents the same window and exits. It exits once the first instance
        # has handled its command line, so by then any window that this made is shown in the
        # accessible tree: no need to wait for one.
        second = subprocess.run([client, '--settings', settings], env=env, timeout=TIMEOUT)
        if second.returncode != 0:
            fail('second launch exited with %d' % second.returncode)
        if atspi_windows(app.pid) != 1:
            fail('a second launch opened another window (AT-SPI shows %d)'
                 % atspi_windows(app.pid))
        if len(find_windows()) != 1:
            fail('a second launch opened another window')
        if app.poll() is not None:
            fail('the app exited early')
        log('a second launch presented the same window')

        # The controls carry their visible labels as accessible names.
        check_accessible(app.pid, [
            ('push button', 'Send'), ('push button', 'Save'),
            ('push button', 'Add Attachment…'),
            ('text', 'To'), ('text', 'Subject')])
        # The From row shows the login (and opens the Account dialog), named once.
        check_accessible(app.pid, [('list item', 'From ' + LOGIN)])

        # Focus starts at the first empty field: all are filled in, so the body. Entering an
        # entry row gives a focus event (GTK 4.8 gives none without the window's workaround).
        wait_for('the focus in the body', lambda: ('text', 'Message') in atspi_focused(app.pid))
        # Mnemonics: Alt+S goes to Subject, Alt+T to To.
        xdotool('windowfocus', '--sync', window)
        xdotool('key', '--clearmodifiers', 'alt+s')
        wait_for('Alt+S to focus Subject', lambda: ('text', 'Subject') in atspi_focused(app.pid))
        xdotool('key', '--clearmodifiers', 'alt+t')
        wait_for('Alt+T to focus To', lambda: ('text', 'To') in atspi_focused(app.pid))
        log('the From row, the first focus and the mnemonics are right over AT-SPI')

        # Ctrl+? opens the Keyboard Shortcuts window (the application finds it at its resource
        # base path); Escape closes it.
        xdotool('key', '--clearmodifiers', 'ctrl+shift+question')
        wait_for('the Keyboard Shortcuts window', lambda: atspi_windows(app.pid) == 2)
        xdotool('key', '--clearmodifiers', 'Escape')
        wait_for('the Keyboard Shortcuts window to close', lambda: atspi_windows(app.pid) == 1)
        log('Ctrl+? shows the keyboard shortcuts')

        xdotool('windowfocus', '--sync', window)
        xdotool('key', '--clearmodifiers', 'ctrl+Return')

        envelopes = wait_for('the message on the server',
                             lambda: sorted(glob.glob(os.path.join(maildir, '*.json'))))
        with open(envelopes[0]) as f:
            envelope = json.load(f)
        if envelope.get('rcpt_tos') != ['alice@example.com']:
            fail('unexpected recipients: %r' % envelope)
        with open(envelopes[0][:-len('.json')] + '.eml', 'rb') as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        if message['Subject'] != 'End to end':
            fail('unexpected subject: %r' % message['Subject'])
        names = [part.get_filename() for part in message.iter_attachments()]
        if 'notes.txt' not in names:
            fail('the folder attachment is missing: %r' % names)
        log('message received:', os.path.basename(envelopes[0]))
        check_accessible(app.pid, [('status bar', 'Message sent successfully')])
        log('AT-SPI reads the status bar')

        # Send again and press Escape while the slow server is still reading (the upload takes
        # seconds): nothing arrives.
        xdotool('windowfocus', '--sync', window)
        xdotool('key', '--clearmodifiers', 'ctrl+Return')
        # The same message again: the window asks first, with clean button names.
        check_accessible(app.pid, [
            ('dialog', 'Send Again?'), ('push button', 'Send Again'), ('push button', 'Cancel')])
        log('Send Again? asked')
        xdotool('key', '--clearmodifiers', 'Return')
        wait_for('the second send to reach DATA',
                 lambda: server_commands(workdir).count('DATA') >= 2)
        # The dialog is gone: the keyboard goes to the window again, where the focus is in To
        # (Alt+T above): Escape cancels from a field too.
        xdotool('windowfocus', '--sync', window)
        xdotool('key', '--clearmodifiers', 'Escape')
        started = time.monotonic()
        # The server stores a session's message before it logs the session's end: once the
        # second session has ended, nothing more can arrive from it.
        wait_for('the cancelled session to end', lambda: sessions_closed(workdir) >= 2)
        count = len(glob.glob(os.path.join(maildir, '*.json')))
        if count != 1:
            fail('Escape did not cancel: the server holds %d messages' % count)
        commands = server_commands(workdir)
        if commands.count('DATA') != 2:
            fail('the second send did not reach DATA: %r' % commands)
        log('cancelled with Escape; the session ended %.1f s later' % (time.monotonic() - started))

        # Nothing was edited, so Ctrl+Q quits without asking.
        xdotool('windowfocus', '--sync', window)
        xdotool('key', '--clearmodifiers', 'ctrl+q')
        try:
            code = app.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            fail('the app did not quit on Ctrl+Q')
        if code != 0:
            fail('the app exited with %d' % code)
        app = None
        print('PASS')
    finally:
        stop(app)
        stop(dbus)
        if server is not None:
            try:
                server.stdin.close()
            except OSError:
                pass
            stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
