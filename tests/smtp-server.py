#!/usr/bin/python3
# smtp-server.py — a real SMTP server (aiosmtpd) on 127.0.0.1 for the tests
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Listens on 127.0.0.1 on a port the OS picks, prints "READY <port>" on stdout once listening,
# and runs until SIGTERM or SIGINT. Every accepted message becomes NNNN.eml (the DATA content as
# received, un-dot-stuffed, with its CRLFs) and NNNN.json (the envelope) in --maildir; both are
# written to a temporary name and renamed, the .json last, so a .json means a complete message.
# --log gets one line per command received and "AUTH-RESULT ok|fail" after each AUTH.
# --events gets one JSON object per line: {"event": "connected", "session": N} when a client's
# session starts (for implicit TLS, after the handshake: a connection whose handshake fails is
# not a session), and {"event": "closed", "session": N} once that session has ended, whether by
# QUIT, by the client closing the connection, or by a time-out. A session's messages are stored
# before its "closed" line, so after it nothing more can arrive from that session: tests wait for
# it instead of sleeping before they check that nothing arrived.
# --pipelining offers PIPELINING (aiosmtpd reads commands in order, also when they come together);
# --reply-delay-ms sends each reply that long after its command arrived, as a distant server
# would: the replies to commands that came together come together (for timing the client).

import argparse
import asyncio
import json
import logging
import os
import signal
import socket
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

BUILTIN_MECHANISMS = ('LOGIN', 'PLAIN')
DATA_CHUNK = 4096   # --data-delay-ms sleeps before each chunk of this many DATA bytes


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('--mode', choices=['tls', 'starttls', 'starttls-not-offered', 'plain'],
                   default='tls')
    p.add_argument('--cert')
    p.add_argument('--key')
    p.add_argument('--maildir', required=True)
    p.add_argument('--log')
    p.add_argument('--events', help='JSON lines: each session connected and closed')
    p.add_argument('--refuse', action='append', default=[],
                   help='RCPT TO of this address gets 550 (may be repeated)')
    p.add_argument('--data-delay-ms', type=int, default=0)
    p.add_argument('--reply-delay-ms', type=int, default=0,
                   help='send each reply this long after its command arrived, as a distant '
                        'server would: replies to commands that arrive together come together')
    p.add_argument('--data-size-limit', type=int, default=0,
                   help='largest accepted message in bytes (0: aiosmtpd default, 32 MiB)')
    p.add_argument('--auth-mechanisms', default=None,
                   help='space-separated mechanisms to offer (default: LOGIN PLAIN); '
                        'unknown ones are advertised but answered with 504')
    p.add_argument('--login', default='sender@example.com')
    p.add_argument('--password', default='')
    p.add_argument('--smtputf8', action='store_true', help='offer SMTPUTF8 (RFC 6531)')
    p.add_argument('--pipelining', action='store_true',
                   help='offer PIPELINING (RFC 2920); aiosmtpd reads commands in order anyway')
    p.add_argument('--watch-stdin', action='store_true',
                   help='also stop when stdin reaches end of file (the parent died)')
    return p.parse_args()


class Log:
    def __init__(self, path):
        self.file = open(path, 'a', encoding='utf-8', errors='backslashreplace') if path else None

    def line(self, text):
        if self.file is not None:
            self.file.write(text + '\n')
            self.file.flush()


class Events:
    def __init__(self, path):
        self.file = open(path, 'a', encoding='utf-8') if path else None
        self.sessions = 0

    def write(self, event, session):
        if self.file is not None:
            self.file.write(json.dumps({'event': event, 'session': session}) + '\n')
            self.file.flush()

    def connected(self):
        self.sessions += 1
        self.write('connected', self.sessions)
        return self.sessions


class Maildir:
    def __init__(self, path):
        self.path = path
        os.makedirs(path, exist_ok=True)
        self.count = 0

    def _write_atomic(self, name, data):
        final = os.path.join(self.path, name)
        tmp = os.path.join(self.path, '.' + name + '.tmp')
        with open(tmp, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, final)

    def store(self, envelope):
        self.count += 1
        base = '%04d' % self.count
        self._write_atomic(base + '.eml', envelope.original_content or b'')
        meta = {
            'mail_from': envelope.mail_from,
            'rcpt_tos': list(envelope.rcpt_tos),
            'mail_options': list(envelope.mail_options),
        }
        self._write_atomic(base + '.json', json.dumps(meta, ensure_ascii=False).encode('utf-8'))


class Handler:
    def __init__(self, args, maildir):
        self.args = args
        self.maildir = maildir
        self.refuse = {a.lower() for a in args.refuse}
        if args.auth_mechanisms is None:
            self.mechanisms = None
        else:
            self.mechanisms = args.auth_mechanisms.split()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.args.pipelining:
            responses = responses[:1] + ['250-PIPELINING'] + responses[1:]
        if self.mechanisms is None:
            return responses
        out = []
        for r in responses:
            if r[4:].upper().startswith('AUTH'):
                if self.mechanisms:
                    out.append(r[:4] + 'AUTH ' + ' '.join(self.mechanisms))
            else:
                out.append(r)
        return out

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return '550 5.1.1 <%s>: Recipient address rejected' % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.maildir.store(envelope)
        return '250 2.0.0 OK: queued as %04d' % self.maildir.count


class LoggingSMTP(SMTP):
    """SMTP that logs every command, throttles DATA, and offers only the chosen mechanisms."""

    def __init__(self, handler, *, log, events, data_delay_ms, reply_delay_ms, **kwargs):
        self._test_log = log
        self._events = events
        self._in_auth = False
        self._data_delay = data_delay_ms / 1000.0
        self._reply_delay = reply_delay_ms / 1000.0
        self._arrival = None   # loop time at which the line being answered arrived
        super().__init__(handler, **kwargs)
        for command, method in list(self._smtp_methods.items()):
            self._smtp_methods[command] = self._wrap(command, method)

    def connection_made(self, transport):
        # aiosmtpd calls this again after STARTTLS, with the same session task.
        first = self._handler_coroutine is None
        super().connection_made(transport)
        if first and self._handler_coroutine is not None:
            session = self._events.connected()
            # The task that runs the session: it ends after the last reply, and after a message
            # being received is stored or dropped (a lost connection cancels it).
            self._handler_coroutine.add_done_callback(
                lambda _task: self._events.write('closed', session))

    def _client_connected_cb(self, reader, writer):
        super()._client_connected_cb(reader, writer)
        # Log every command line as it is read, before aiosmtpd decides anything about it (so a
        # command refused with 530 before STARTTLS is logged too). Commands (and AUTH
        # continuation lines, through readline()) are read with readuntil() and its default
        # separator; DATA lines with readuntil(b'\r\n'), so the message content is not logged.
        original = reader.readuntil

        async def readuntil(separator=b'\n'):
            line = await original(separator)
            if separator == b'\n':
                text = line.rstrip(b'\r\n').decode('utf-8', errors='backslashreplace')
                if text and not self._in_auth:
                    # The verb in capitals (RFC 5321 verbs are case-insensitive), the rest as is
                    verb, space, rest = text.partition(' ')
                    text = verb.upper() + space + rest
                if text:
                    self._test_log.line(text)
            return line

        reader.readuntil = readuntil
        if self._reply_delay > 0:
            self._time_arrivals(reader)

    def _time_arrivals(self, reader):
        """Notes when each line arrived (not when it is parsed: a pipelined command waits in the
        buffer), for push ()."""
        loop = asyncio.get_running_loop()
        chunks = []   # [end offset of the bytes received so far, loop time], oldest first
        state = {'fed': 0, 'consumed': 0}
        original_feed = reader.feed_data
        original_readuntil = reader.readuntil

        def feed_data(data):
            state['fed'] += len(data)
            chunks.append((state['fed'], loop.time()))
            original_feed(data)

        async def readuntil(separator=b'\n'):
            line = await original_readuntil(separator)
            state['consumed'] += len(line)
            while len(chunks) > 1 and chunks[0][0] < state['consumed']:
                chunks.pop(0)
            self._arrival = chunks[0][1] if chunks else loop.time()
            return line

        reader.feed_data = feed_data
        reader.readuntil = readuntil

    async def push(self, status):
        if self._reply_delay > 0 and self._arrival is not None:
            wait = self._arrival + self._reply_delay - asyncio.get_running_loop().time()
            if wait > 0:
                await asyncio.sleep(wait)
        await super().push(status)

    def _wrap(self, command, method):
        async def wrapper(arg):
            if command == 'DATA' and self._data_delay > 0:
                await self._throttled_data(method, arg)
            elif command == 'AUTH':
                self._in_auth = True
                try:
                    await method(arg)
                finally:
                    self._in_auth = False
            else:
                await method(arg)
            if command == 'AUTH':
                self._test_log.line('AUTH-RESULT ' + ('ok' if self.session.authenticated
                                                      else 'fail'))
        return wrapper

    async def _throttled_data(self, method, arg):
        reader = self._reader
        original = reader.readuntil
        state = {'since_sleep': DATA_CHUNK}

        async def readuntil(separator=b'\n'):
            if state['since_sleep'] >= DATA_CHUNK:
                state['since_sleep'] = 0
                await asyncio.sleep(self._data_delay)
            line = await original(separator)
            state['since_sleep'] += len(line)
            return line

        reader.readuntil = readuntil
        try:
            await method(arg)
        finally:
            reader.readuntil = original


def make_authenticator(login, password):
    want_login = login.encode('utf-8')

    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            try:
                ok = (auth_data.login == want_login
                      and auth_data.password.decode('utf-8') == password)
            except UnicodeDecodeError:
                ok = False
            if ok:
                return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    return authenticator


async def serve(args):
    loop = asyncio.get_running_loop()
    log = Log(args.log)
    events = Events(args.events)
    maildir = Maildir(args.maildir)
    handler = Handler(args, maildir)

    ssl_context = None
    if args.mode in ('tls', 'starttls'):
        if not args.cert or not args.key:
            sys.exit('smtp-server.py: --mode %s needs --cert and --key' % args.mode)
        ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ssl_context.load_cert_chain(args.cert, args.key)

    exclude = []
    if handler.mechanisms is not None:
        exclude = [m for m in BUILTIN_MECHANISMS if m not in handler.mechanisms]

    smtp_kwargs = dict(
        hostname='localhost',
        auth_required=True,
        auth_exclude_mechanism=exclude,
        authenticator=make_authenticator(args.login, args.password),
        timeout=60,
        loop=loop,
    )
    if args.smtputf8:
        smtp_kwargs['enable_SMTPUTF8'] = True
    if args.data_size_limit > 0:
        smtp_kwargs['data_size_limit'] = args.data_size_limit
    if args.mode == 'starttls':
        smtp_kwargs.update(tls_context=ssl_context, require_starttls=True, auth_require_tls=True)
    else:
        # Implicit TLS (the whole connection is encrypted, aiosmtpd cannot tell), or no TLS.
        smtp_kwargs.update(auth_require_tls=False)

    def factory():
        return LoggingSMTP(handler, log=log, events=events, data_delay_ms=args.data_delay_ms,
                           reply_delay_ms=args.reply_delay_ms, **smtp_kwargs)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.data_delay_ms > 0:
        # A small receive buffer, so that a slow reader really slows the client down.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    sock.bind(('127.0.0.1', 0))
    sock.listen(16)
    sock.setblocking(False)

    server = await loop.create_server(factory, sock=sock,
                                      ssl=ssl_context if args.mode == 'tls' else None)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))

    if args.watch_stdin:
        def stdin_readable():
            if not os.read(sys.stdin.fileno(), 4096):
                loop.remove_reader(sys.stdin.fileno())
                stop.done() or stop.set_result(None)
        loop.add_reader(sys.stdin.fileno(), stdin_readable)

    port = sock.getsockname()[1]
    sys.stdout.write('READY %d\n' % port)
    sys.stdout.flush()

    await stop
    server.close()
    await server.wait_closed()


def main():
    warnings.simplefilter('ignore')
    logging.getLogger('mail.log').setLevel(logging.ERROR)
    args = parse_args()
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
