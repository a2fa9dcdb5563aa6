#!/usr/bin/python3
# sink.py — a fast SMTP sink for the benchmark (bench/run.py, bench/README.md)
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Listens on 127.0.0.1 (a free port unless --port), implicit TLS (SMTPS), prints
# "READY <port>" on stdout and serves each connection in a thread of its own:
#   EHLO (PIPELINING, SIZE, 8BITMIME, AUTH PLAIN LOGIN), HELO, AUTH PLAIN / LOGIN (one account,
#   required before MAIL), MAIL, RCPT, DATA, RSET, NOOP, QUIT.
# The message is read in large chunks and thrown away: only the end of data "\r\n.\r\n" is looked
# for, across chunk borders. After the dot: "250 OK queued as N".
#
# --reply-delay-ms D is a latency model: a reply leaves D ms after its command arrived. What
# arrived together (one read, plus whatever was already waiting on the socket) is answered
# together, D ms after it came: a client that pipelines pays D once per flight, one that does
# not pays D for every command. The greeting is not delayed.
#
# --keep DIR writes, after each message and before its reply, DIR/last.head and DIR/last.tail
# (its first 64 KiB and last 4 KiB) and DIR/last.json (the envelope and the size of the
# message as received, dot-stuffed, without the final ".\r\n") — enough for the runner to
# check that a message arrived whole.
#
# Standard library only; run with Debian's /usr/bin/python3.

import argparse
import base64
import binascii
import json
import os
import select
import socket
import ssl
import sys
import threading
import time

CHUNK = 1 << 20
RECORD = 16384  # the most plaintext one TLS record holds
END = b"\r\n.\r\n"
KEEP_HEAD = 64 * 1024
KEEP_TAIL = 4 * 1024
MAX_SIZE = 2000000000
MAX_LINE = 64 * 1024


class Closed(Exception):
    pass


class Sink:
    def __init__(self, args):
        self.args = args
        self.delay = args.reply_delay_ms / 1000.0
        self.lock = threading.Lock()
        self.count = 0
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(args.cert, args.key)
        self.context.num_tickets = 0  # nobody resumes: no tickets to make and send

    def next_id(self):
        with self.lock:
            self.count += 1
            return self.count


class Tls:
    """TLS over memory BIOs: one large read from the socket, then every record it holds is
    decrypted in a tight loop. (An SSL socket's recv() returns one record a call, with two
    system calls each: a client that writes a record per line, like msmtp, would make the sink
    the bottleneck.)"""

    def __init__(self, context, raw):
        self.raw = raw
        self.incoming = ssl.MemoryBIO()
        self.outgoing = ssl.MemoryBIO()
        self.tls = context.wrap_bio(self.incoming, self.outgoing, server_side=True)
        self.raw_buf = bytearray(CHUNK)
        self.plain = bytearray(CHUNK + RECORD)
        self.plain_view = memoryview(self.plain)
        self.closed = False

    def _send_pending(self):
        data = self.outgoing.read()
        if data:
            self.raw.sendall(data)

    def _fill(self):
        n = self.raw.recv_into(self.raw_buf)
        if n == 0:
            raise Closed()
        self.incoming.write(memoryview(self.raw_buf)[:n])

    def handshake(self):
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self._send_pending()
                self._fill()
        self._send_pending()

    def recv(self):
        """All the plaintext of one read from the socket (at least one byte)."""
        tls = self.tls
        view = self.plain_view
        got = 0
        while True:
            try:
                while got <= CHUNK:
                    got += tls.read(RECORD, view[got:])
            except ssl.SSLWantReadError:
                if got:
                    break
                self._send_pending()
                self._fill()
            except ssl.SSLZeroReturnError:
                if got:
                    break
                raise Closed()
            else:
                break
        return bytes(view[:got])

    def waiting(self):
        """Whether more has arrived: decrypted-but-unread data, or bytes on the socket."""
        return (self.tls.pending() > 0 or self.incoming.pending > 0
                or bool(select.select([self.raw], [], [], 0)[0]))

    def sendall(self, data):
        self.tls.write(data)
        self._send_pending()

    def close(self, notify):
        if notify:
            try:
                self.tls.unwrap()
            except (ssl.SSLError, OSError):
                pass
            try:
                self._send_pending()
            except OSError:
                pass
        self.raw.close()


class Connection:
    def __init__(self, sink, raw):
        self.sink = sink
        self.raw = raw
        self.sock = None
        self.buf = b""
        self.out = []
        self.arrived = 0.0
        self.authed = False
        self.auth_state = None  # None, "plain", "login-user", "login-password"
        self.auth_user = None
        self.mail_from = None
        self.rcpts = []
        self.quit = False

    # --- reading ---------------------------------------------------------------------------

    def recv(self):
        data = self.sock.recv()
        self.arrived = time.monotonic()
        return data

    def read(self):
        """One read, then whatever already waits: what arrived together."""
        parts = [self.recv()]
        arrived = self.arrived
        while self.sock.waiting():
            parts.append(self.recv())
        self.arrived = arrived
        return b"".join(parts)

    # --- replying ----------------------------------------------------------------------------

    def reply(self, text):
        self.out.append(text.encode("ascii") + b"\r\n")

    def flush(self):
        if not self.out:
            return
        if self.sink.delay > 0:
            wait = self.arrived + self.sink.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self.sock.sendall(b"".join(self.out))
        self.out = []

    # --- the session -------------------------------------------------------------------------

    def run(self):
        try:
            self.raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock = Tls(self.sink.context, self.raw)
            self.sock.handshake()
            self.sock.sendall(b"220 127.0.0.1 ESMTP bench sink\r\n")
            while not self.quit:
                self.buf += self.read()
                if len(self.buf) > MAX_LINE and b"\n" not in self.buf:
                    self.reply("500 5.5.2 Line too long")
                    self.buf = b""
                self.commands()
                self.flush()
        except (Closed, ConnectionError, ssl.SSLError, OSError, ValueError):
            pass
        finally:
            self.close()

    def close(self):
        if self.sock is not None:
            self.sock.close(self.quit)
        else:
            self.raw.close()

    def commands(self):
        while not self.quit:
            end = self.buf.find(b"\n")
            if end < 0:
                return
            line = self.buf[:end].rstrip(b"\r").decode("utf-8", "replace")
            self.buf = self.buf[end + 1:]
            if self.auth_state is not None:
                self.auth_step(line)
            elif self.command(line):
                self.data()

    def command(self, line):
        """Handles one command line; TRUE when DATA was accepted."""
        verb, _, arg = line.partition(" ")
        verb = verb.upper()
        if verb == "EHLO":
            self.reset()
            self.reply("250-127.0.0.1 greets you")
            self.reply("250-PIPELINING")
            self.reply("250-SIZE %d" % MAX_SIZE)
            self.reply("250-8BITMIME")
            self.reply("250 AUTH PLAIN LOGIN")
        elif verb == "HELO":
            self.reset()
            self.reply("250 127.0.0.1")
        elif verb == "AUTH":
            self.auth(arg)
        elif verb == "MAIL":
            if not self.authed:
                self.reply("530 5.7.0 Authentication required")
            elif self.mail_from is not None:
                self.reply("503 5.5.1 Nested MAIL command")
            elif not arg.upper().startswith("FROM:"):
                self.reply("501 5.5.4 Syntax: MAIL FROM:<address>")
            else:
                size = 0
                for param in arg.split()[1:]:
                    key, _, value = param.partition("=")
                    if key.upper() == "SIZE" and value.isdigit():
                        size = int(value)
                if size > MAX_SIZE:
                    self.reply("552 5.3.4 Message size exceeds fixed limit")
                else:
                    self.mail_from = arg[5:].strip().split()[0] if arg[5:].strip() else "<>"
                    self.reply("250 OK")
        elif verb == "RCPT":
            if self.mail_from is None:
                self.reply("503 5.5.1 Need MAIL first")
            elif not arg.upper().startswith("TO:"):
                self.reply("501 5.5.4 Syntax: RCPT TO:<address>")
            else:
                self.rcpts.append(arg[3:].strip())
                self.reply("250 OK")
        elif verb == "DATA":
            if not self.rcpts:
                self.reply("503 5.5.1 Need RCPT first")
            else:
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                return True
        elif verb == "RSET":
            self.reset()
            self.reply("250 OK")
        elif verb == "NOOP":
            self.reply("250 OK")
        elif verb == "QUIT":
            self.reply("221 Bye")
            self.quit = True
        else:
            self.reply("500 5.5.2 Command not recognised")
        return False

    def reset(self):
        self.mail_from = None
        self.rcpts = []

    # --- AUTH ----------------------------------------------------------------------------------

    def auth(self, arg):
        if self.authed:
            self.reply("503 5.5.1 Already authenticated")
            return
        words = arg.split()
        mech = words[0].upper() if words else ""
        initial = words[1] if len(words) > 1 else None
        if mech == "PLAIN":
            if initial is None:
                self.auth_state = "plain"
                self.reply("334 ")
            else:
                self.auth_plain(initial)
        elif mech == "LOGIN":
            if initial is None:
                self.auth_state = "login-user"
                self.reply("334 VXNlcm5hbWU6")
            else:
                self.auth_user = self.b64(initial)
                self.auth_state = "login-password"
                self.reply("334 UGFzc3dvcmQ6")
        else:
            self.reply("504 5.5.4 Unrecognised authentication type")

    def auth_step(self, line):
        state, self.auth_state = self.auth_state, None
        if line == "*":
            self.reply("501 5.0.0 Authentication cancelled")
        elif state == "plain":
            self.auth_plain(line)
        elif state == "login-user":
            self.auth_user = self.b64(line)
            self.auth_state = "login-password"
            self.reply("334 UGFzc3dvcmQ6")
        else:
            self.auth_result(self.auth_user, self.b64(line))

    def auth_plain(self, text):
        parts = (self.b64(text) or "").split("\0")
        if len(parts) != 3:
            self.reply("501 5.5.2 Bad PLAIN response")
        else:
            self.auth_result(parts[1], parts[2])

    def auth_result(self, user, password):
        if user == self.sink.args.user and password == self.sink.args.password:
            self.authed = True
            self.reply("235 2.7.0 Authentication successful")
        else:
            self.reply("535 5.7.8 Authentication credentials invalid")

    @staticmethod
    def b64(text):
        try:
            return base64.b64decode(text.encode("ascii"), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            return None

    # --- DATA ----------------------------------------------------------------------------------

    def data(self):
        """Sends 354 and reads the message up to the final dot; what follows stays in buf."""
        self.flush()
        keep = self.sink.args.keep is not None
        head = bytearray()
        tail = b""
        size = 0
        # The DATA line ended with CRLF: a message that is only "." ends at once.
        prev = b"\r\n"
        chunk = self.buf
        self.buf = b""
        while True:
            if not chunk:
                chunk = self.recv()
            # The end across the border (the last bytes before, the first of this chunk), else
            # inside the chunk. end: where the message ends in the chunk (after its last CRLF),
            # negative when that is in the chunk before; rest: what follows the final ".\r\n".
            at = (prev + chunk[:4]).find(END)
            if at >= 0:
                end = at + 2 - len(prev)
                rest = at + len(END) - len(prev)
            else:
                at = chunk.find(END)
                end = at + 2
                rest = at + len(END)
            if at < 0:
                taken = chunk
            else:
                taken = chunk[:max(end, 0)]
            size += len(taken)
            if keep:
                if len(head) < KEEP_HEAD:
                    head += taken[:KEEP_HEAD - len(head)]
                tail = (tail + taken[-KEEP_TAIL:])[-KEEP_TAIL:]
            if at >= 0:
                break
            prev = (prev + chunk[-4:])[-4:]
            chunk = b""
        if end < 0:
            # The "." began in the chunk before, whose last bytes were counted already.
            size += end
            if keep:
                tail = tail[:end]
                del head[size:]
        rest = bytes(chunk[rest:])
        queue_id = self.sink.next_id()
        if keep:
            self.keep(queue_id, size, bytes(head), tail)
        self.reset()
        self.buf = rest
        self.reply("250 OK queued as %d" % queue_id)

    def keep(self, queue_id, size, head, tail):
        """Before the reply, so that the client's exit means it is there: raw bytes (cheap),
        then the small last.json, renamed into place last."""
        directory = self.sink.args.keep
        for name, data in (("last.head", head), ("last.tail", tail)):
            with open(os.path.join(directory, name), "wb") as f:
                f.write(data)
        record = {
            "queue_id": queue_id,
            "mail_from": self.mail_from,
            "rcpt_to": self.rcpts,
            "size": size,
        }
        tmp = os.path.join(directory, "last.json.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(tmp, os.path.join(directory, "last.json"))


def main():
    parser = argparse.ArgumentParser(description="A fast SMTPS sink for the benchmark.")
    parser.add_argument("--cert", required=True, help="server certificate (PEM)")
    parser.add_argument("--key", required=True, help="its private key (PEM)")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--port", type=int, default=0, help="0 (default): a free port")
    parser.add_argument("--reply-delay-ms", type=float, default=0.0,
                        help="send each reply this long after its command arrived")
    parser.add_argument("--keep", metavar="DIR",
                        help="write DIR/last.json about the last message received")
    args = parser.parse_args()

    sink = Sink(args)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(64)
    print("READY %d" % listener.getsockname()[1], flush=True)
    try:
        while True:
            raw, _ = listener.accept()
            threading.Thread(target=Connection(sink, raw).run, daemon=True).start()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
