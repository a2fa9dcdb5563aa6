#!/usr/bin/python3
# faults-server.py — a scripted, misbehaving SMTP server on 127.0.0.1 for tests/test-faults.c
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: faults-server.py --scenario NAME --log FILE [--cert PEM --key PEM [--tls]]
# Listens on a port the OS picks, prints "READY <port>" once listening, serves one client at a
# time with the scenario's faults, and stops at end of file on stdin (the test went away) or
# SIGTERM. The log gets one line per command received, and these markers:
#   CONNECTED          a client connected
#   DATA-STARTED       the first bytes of the message content arrived
#   DOT                the final "." arrived (the server has the whole message)
#   EMPTY-END          "." alone after a 354 to DATA with no recipient accepted (rcpt-all-354)
#   CONTENT            a line that is no command after a refused MAIL (message content)
#   AHEAD n            n commands had come after MAIL before its reply (pipelined)
#   STORED n           a message was accepted with recipients n (a count)
#   CLOSED             the server closed the connection

import argparse
import os
import signal
import socket
import ssl
import sys
import threading
import time
import warnings

SCENARIOS = {}


def scenario(name):
    def register(function):
        SCENARIOS[name] = function
        return function
    return register


class Stop(Exception):
    pass


class Client:
    def __init__(self, sock, log, args):
        self.sock = sock
        self.log = log
        self.args = args
        self.buffer = b''

    def send(self, text):
        self.sock.sendall(text.encode('utf-8'))

    def readline(self):
        while b'\n' not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                raise Stop()
            self.buffer += data
        line, _, self.buffer = self.buffer.partition(b'\n')
        return line.rstrip(b'\r').decode('utf-8', errors='backslashreplace')

    def command(self):
        line = self.readline()
        self.log(line)
        return line

    def read_data(self, limit=None):
        """The message content up to the final dot (or @limit bytes); True if the dot came."""
        received = 0
        started = False
        while True:
            line = self.readline()
            if not started:
                started = True
                self.log('DATA-STARTED')
            if line == '.':
                self.log('DOT')
                return True
            received += len(line) + 2
            if limit is not None and received >= limit:
                return False

    def close(self):
        self.log('CLOSED')
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        raise Stop()

    def hold(self, seconds=30):
        """Neither reads nor answers; the client must give up (or the test ends)."""
        time.sleep(seconds)
        self.close()

    def starttls(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.args.cert, self.args.key)
        self.sock = context.wrap_socket(self.sock, server_side=True)

    def session_start(self, ehlo_lines=('PIPELINING', 'AUTH PLAIN LOGIN')):
        """Greeting, EHLO and AUTH PLAIN as the test client does them."""
        self.send('220 faults ESMTP\r\n')
        self.ehlo(ehlo_lines)
        line = self.command()
        if line.upper().startswith('AUTH'):
            self.send('235 2.7.0 Authentication successful\r\n')
            return self.command()
        return line

    def ehlo(self, ehlo_lines):
        self.command()
        lines = ['faults'] + list(ehlo_lines)
        self.send(''.join('250%s%s\r\n' % ('-' if i < len(lines) - 1 else ' ', l)
                          for i, l in enumerate(lines)))

    def envelope(self, first, rcpt_reply):
        """MAIL FROM (already read as @first), then RCPT TO until DATA; @rcpt_reply (index,
        address) gives each RCPT's reply. Returns the accepted count."""
        accepted = 0
        index = 0
        line = first
        while True:
            verb = line.upper()
            if verb.startswith('MAIL FROM'):
                self.send('250 2.1.0 Ok\r\n')
            elif verb.startswith('RCPT TO'):
                reply = rcpt_reply(index, line[8:].strip().strip('<>'))
                index += 1
                if reply.startswith('25'):
                    accepted += 1
                self.send(reply)
            elif verb == 'DATA':
                return accepted
            elif verb == 'RSET':
                self.send('250 2.0.0 Ok\r\n')
                accepted = 0
                index = 0
            elif verb == 'QUIT':
                self.send('221 2.0.0 Bye\r\n')
                self.close()
            line = self.command()

    def deliver(self, accepted, queue_id):
        """354 to DATA, the message up to its dot, STORED, the final 250, then finish ()."""
        self.send('354 End data with <CR><LF>.<CR><LF>\r\n')
        self.read_data()
        self.log('STORED %d' % accepted)
        self.send('250 2.0.0 Ok: queued as %s\r\n' % queue_id)
        self.finish()

    def finish(self):
        """After the accepted message: QUIT or whatever comes next."""
        while True:
            line = self.command()
            if line.upper() == 'QUIT':
                self.send('221 2.0.0 Bye\r\n')
                self.close()
            self.send('502 5.5.1 Not in this script\r\n')


def ok(index, address):
    return '250 2.1.5 Ok\r\n'


@scenario('ok')
def ok_session(c):
    c.deliver(c.envelope(c.session_start(), ok), 'OK1')


@scenario('greeting-421')
def greeting_421(c):
    c.send('421 4.3.2 Too busy, try again later\r\n')
    c.close()


@scenario('starttls-454')
def starttls_454(c):
    c.send('220 faults ESMTP\r\n')
    c.ehlo(('PIPELINING', 'STARTTLS'))
    c.command()
    c.send('454 4.7.0 TLS not available due to temporary reason\r\n')
    c.finish()


@scenario('auth-535')
def auth_535(c):
    c.send('220 faults ESMTP\r\n')
    c.ehlo(('PIPELINING', 'AUTH PLAIN LOGIN'))
    c.command()
    c.send('535 5.7.8 Authentication credentials invalid\r\n')
    c.finish()


@scenario('rcpt-partial')
def rcpt_partial(c):
    def reply(index, address):
        if address.startswith('bob'):
            return '550 5.1.1 <%s>: Recipient address rejected\r\n' % address
        return '250 2.1.5 Ok\r\n'
    accepted = c.envelope(c.session_start(), reply)
    c.send('354 Go ahead\r\n')
    c.read_data()
    c.log('STORED %d' % accepted)
    c.send('250 2.0.0 Ok: queued as P1\r\n')
    c.finish()


@scenario('rcpt-all')
def rcpt_all(c):
    def reply(index, address):
        return '550 5.1.1 <%s>: Recipient address rejected\r\n' % address
    c.envelope(c.session_start(), reply)
    c.send('554 5.5.1 No valid recipients\r\n')
    c.finish()


@scenario('rcpt-452')
def rcpt_452(c):
    """Takes at most two recipients per transaction (RFC 5321 §4.5.3.1.10)."""
    line = c.session_start()
    while True:
        accepted = c.envelope(line, lambda index, address: '250 2.1.5 Ok\r\n' if index < 2
                              else '452 4.5.3 Too many recipients\r\n')
        c.send('354 Go ahead\r\n')
        c.read_data()
        c.log('STORED %d' % accepted)
        c.send('250 2.0.0 Ok: queued as T%d\r\n' % accepted)
        line = c.command()
        if line.upper() == 'QUIT':
            c.send('221 2.0.0 Bye\r\n')
            c.close()


def after_refused_mail(c):
    """503 to what was pipelined with a refused MAIL (RCPT, DATA) until QUIT; a line that is not
    a command is message content sent all the same: logged as CONTENT."""
    while True:
        line = c.command()
        verb = line.split(' ', 1)[0].split(':', 1)[0].upper()
        if verb == 'QUIT':
            c.send('221 2.0.0 Bye\r\n')
            c.close()
        if verb not in ('RCPT', 'DATA', 'RSET', 'NOOP', 'MAIL'):
            c.log('CONTENT')
        c.send('503 5.5.1 Error: need MAIL command\r\n')


@scenario('mail-553-rcpt-503')
def mail_553(c):
    c.session_start()
    c.send('553 5.7.1 <sender@example.com>: Sender address rejected: not owned by user\r\n')
    after_refused_mail(c)


@scenario('mail-451')
def mail_451(c):
    c.session_start()
    c.send('451 4.3.0 Sender verification is busy\r\n')
    after_refused_mail(c)


@scenario('rcpt-all-354')
def rcpt_all_354(c):
    """Refuses every recipient, then (wrongly) says 354 to the pipelined DATA: the client must end
    an empty message with "." alone (RFC 2920 §3.1). Logs EMPTY-END when it does."""
    def reply(index, address):
        return '550 5.1.1 <%s>: Recipient address rejected\r\n' % address
    c.envelope(c.session_start(), reply)
    c.send('354 Go ahead\r\n')
    line = c.command()
    if line == '.':
        c.log('EMPTY-END')
    elif not c.read_data():
        c.close()
    c.send('554 5.5.1 Error: no valid recipients\r\n')
    c.finish()


@scenario('rcpt-421')
def rcpt_421(c):
    """Accepts the first recipient, then says 421 to the next one and closes."""
    c.session_start()
    c.send('250 2.1.0 Ok\r\n')
    c.command()
    c.send('250 2.1.5 Ok\r\n')
    c.command()
    c.send('421 4.7.0 Too many errors, closing the connection\r\n')
    c.close()


def commands_ahead(c, ehlo_lines):
    """Like "ok", but takes its time (0.2 s) before it answers MAIL, and logs AHEAD n: how many
    commands (RCPT, DATA) had come after MAIL before that first reply."""
    first = c.session_start(ehlo_lines)
    time.sleep(0.2)
    c.sock.setblocking(False)
    try:
        while True:
            data = c.sock.recv(65536)
            if not data:
                break
            c.buffer += data
    except (BlockingIOError, ssl.SSLWantReadError):
        pass
    c.sock.setblocking(True)
    c.log('AHEAD %d' % c.buffer.count(b'\n'))
    c.deliver(c.envelope(first, ok), 'PIPE1')


@scenario('pipelined')
def pipelined(c):
    commands_ahead(c, ('PIPELINING', 'AUTH PLAIN LOGIN'))


@scenario('not-pipelined')
def not_pipelined(c):
    commands_ahead(c, ('AUTH PLAIN LOGIN',))


@scenario('long-list')
def long_list(c):
    """Answers each RCPT as Sendmail does, quoting the address, with small socket buffers (see
    main ()), and reads nothing while a reply cannot be written: a client that writes a long
    list without reading the replies fills both directions and waits forever (RFC 2920 §3.1)."""
    def reply(index, address):
        return '250 2.1.5 <%s>... Recipient ok\r\n' % address
    c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.deliver(c.envelope(c.session_start(), reply), 'LONG1')


@scenario('mail-421')
def mail_421(c):
    c.session_start()
    c.send('421 4.7.0 Too many errors, closing the connection\r\n')
    c.close()


@scenario('data-552-stop-reading')
def data_552_stop_reading(c):
    """An early 552 during DATA, after which the server reads nothing more."""
    c.envelope(c.session_start(), ok)
    c.send('354 Go ahead\r\n')
    c.read_data(limit=64 * 1024)
    c.send('552 5.3.4 Message size exceeds fixed limit\r\n')
    c.hold()


@scenario('data-552-close')
def data_552_close(c):
    """An early 552 during DATA, then the server closes."""
    c.envelope(c.session_start(), ok)
    c.send('354 Go ahead\r\n')
    c.read_data(limit=64 * 1024)
    c.send('552 5.3.4 Message size exceeds fixed limit\r\n')
    time.sleep(0.2)
    c.close()


@scenario('data-drop')
def data_drop(c):
    c.envelope(c.session_start(), ok)
    c.send('354 Go ahead\r\n')
    c.read_data(limit=64 * 1024)
    # No reply: the connection just goes (RST, as a crashed server's would)
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\x01\x00\x00\x00\x00\x00\x00\x00')
    c.log('CLOSED')
    c.sock.close()
    raise Stop()


@scenario('data-stall')
def data_stall(c):
    """Stops reading in the middle of DATA, without a word."""
    c.envelope(c.session_start(), ok)
    c.send('354 Go ahead\r\n')
    c.read_data(limit=64 * 1024)
    c.hold()


@scenario('data-slow')
def data_slow(c):
    """Pauses once the content starts (an attachment can change meanwhile), then accepts it."""
    accepted = c.envelope(c.session_start(), ok)
    c.send('354 Go ahead\r\n')
    c.readline()
    c.log('DATA-STARTED')
    time.sleep(1)
    c.read_data()
    c.log('STORED %d' % accepted)
    c.send('250 2.0.0 Ok: queued as S1\r\n')
    c.finish()


@scenario('drop-after-dot')
def drop_after_dot(c):
    c.envelope(c.session_start(), ok)
    c.send('354 Go ahead\r\n')
    c.read_data()
    c.close()


@scenario('silent-after-dot')
def silent_after_dot(c):
    c.envelope(c.session_start(), ok)
    c.send('354 Go ahead\r\n')
    c.read_data()
    c.hold()


@scenario('silent')
def silent(c):
    c.hold()


@scenario('greeting-trickle')
def greeting_trickle(c):
    """A greeting of one byte a second that never ends."""
    for _ in range(120):
        c.sock.sendall(b'2')
        time.sleep(1)
    c.close()


@scenario('tls10')
def tls10(c):
    c.send('220 faults ESMTP\r\n')
    c.finish()


def make_tls10_context(args):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.set_ciphers('DEFAULT:@SECLEVEL=0')
    context.minimum_version = ssl.TLSVersion.TLSv1
    context.maximum_version = ssl.TLSVersion.TLSv1
    context.load_cert_chain(args.cert, args.key)
    return context


def main():
    warnings.simplefilter('ignore')
    p = argparse.ArgumentParser()
    p.add_argument('--scenario', required=True, choices=sorted(SCENARIOS))
    p.add_argument('--log', required=True)
    p.add_argument('--cert')
    p.add_argument('--key')
    p.add_argument('--tls', action='store_true', help='TLS from the start (1.2 and newer)')
    args = p.parse_args()

    log_file = open(args.log, 'a', encoding='utf-8')
    lock = threading.Lock()

    def log(text):
        with lock:
            log_file.write(text + '\n')
            log_file.flush()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.scenario == 'long-list':
        # Inherited by the accepted sockets: no room for more than a few replies or commands.
        # The segment size of Ethernet instead of loopback's 64 KiB also gives the client the
        # socket buffers of a link to the Internet (Linux sizes them from it: about 70 KB).
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1448)
    listener.bind(('127.0.0.1', 0))
    listener.listen(4)

    tls_context = None
    if args.scenario == 'tls10':
        tls_context = make_tls10_context(args)
    elif args.tls:
        tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_context.load_cert_chain(args.cert, args.key)

    def serve():
        while True:
            sock, _ = listener.accept()
            log('CONNECTED')
            try:
                if tls_context is not None:
                    sock = tls_context.wrap_socket(sock, server_side=True)
                SCENARIOS[args.scenario](Client(sock, log, args))
            except (Stop, OSError, ssl.SSLError):
                pass
            finally:
                try:
                    sock.close()
                except OSError:
                    pass

    threading.Thread(target=serve, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))

    sys.stdout.write('READY %d\n' % listener.getsockname()[1])
    sys.stdout.flush()

    # The test holds our stdin: its end means the test is gone.
    while os.read(sys.stdin.fileno(), 4096):
        pass
    os._exit(0)


if __name__ == '__main__':
    main()
