#!/usr/bin/python3
# run.py — the benchmark: ours against curl, msmtp and the original Python program
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run it with `bash .ci/dev.sh bench` (installs curl and msmtp, makes the release build
# _build-bench, then runs this), or directly once the build exists:
#   /usr/bin/python3 bench/run.py [--build _build-bench] [--only 1kb,50mb,...] [--output FILE]
#
# It makes its test data in a temporary folder (removed at the end), starts bench/sink.py
# twice (no delay, and 20 ms per reply), times each program as a whole process (os.wait4: wall
# time and peak RSS), prints the tables and writes bench/RESULTS.md. bench/README.md explains
# the workloads, the sink's latency model and the window probes.
#
# Standard library only; run with Debian's /usr/bin/python3.

import argparse
import base64
import datetime
import email
import email.policy
import json
import os
import platform
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"

LOGIN = "bench@example.com"
PASSWORD = "bench-secret"
SENDER = LOGIN
SUBJECT = "Benchmark message"
MiB = 1024 * 1024
TIMEOUT = 600

WORKLOADS = ["1kb", "50mb", "500mb", "rcpt100", "first-frame", "stall"]


# --- small helpers ---------------------------------------------------------------------------

def log(text=""):
    print(text, flush=True)


def fmt_time(seconds):
    if seconds is None:
        return "—"
    if seconds < 1:
        return "%.1f ms" % (seconds * 1000)
    return "%.2f s" % seconds


def fmt_rss(kib):
    return "—" if kib is None else "%.1f MiB" % (kib / 1024)


def output_of(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def body_text():
    """About 1 KB of text, with a non-ASCII line, like a short real message."""
    lines = ["Hello,", "",
             "this is the benchmark's message. It is about one kilobyte of plain text, sent to "
             "a sink on 127.0.0.1 over implicit TLS after AUTH.",
             "Здравствуйте! Это письмо отправлено программой SMTP Client.", ""]
    n = 1
    while len("\n".join(lines).encode("utf-8")) < 960:
        lines.append("Line %d of the body: the quick brown fox jumps over the lazy dog." % n)
        n += 1
    lines += ["", "Regards,", "The benchmark", ""]
    return "\n".join(lines)


def write_random(path, size):
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, 4 * MiB)
            f.write(os.urandom(n))
            left -= n


def base64_size(n):
    """Bytes of base64 in 76-character CRLF lines for n bytes."""
    chars = 4 * ((n + 2) // 3)
    return chars + 2 * ((chars + 75) // 76)


# --- processes ---------------------------------------------------------------------------------

class Run:
    def __init__(self, start, wall, rss_kib, code, err):
        self.start = start      # time.monotonic () just before the fork
        self.wall = wall        # seconds
        self.rss = rss_kib      # peak RSS (ru_maxrss), KiB
        self.code = code
        self.err = err


SPAWN = None  # bench/spawn.c, compiled into the temporary folder


def build_spawn(tmp):
    global SPAWN
    SPAWN = os.path.join(tmp, "spawn")
    subprocess.run(["cc", "-O2", "-Wall", "-Werror", "-o", SPAWN, os.path.join(HERE, "spawn.c")],
                   check=True)


def timed(argv, env=None, stdin=None, stdout=None):
    """Runs argv through bench/spawn.c (a small launcher, so that ru_maxrss is the program's
    own, see there): start, wall time, peak RSS, exit code, stderr. stdout: None (thrown away)
    or a path to write it to; stdin: None (empty) or a path to read."""
    result = os.path.join(os.path.dirname(SPAWN), "spawn.result")
    err_file = tempfile.TemporaryFile()
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    inp = open(stdin, "rb") if stdin else subprocess.DEVNULL
    try:
        proc = subprocess.Popen([SPAWN, result] + argv, env=env, stdin=inp, stdout=out,
                                stderr=err_file, start_new_session=True)
        try:
            proc.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    finally:
        if stdout:
            out.close()
        if stdin:
            inp.close()
    err_file.seek(0)
    err = err_file.read().decode("utf-8", "replace")
    err_file.close()
    if proc.returncode != 0:
        return Run(None, None, None, 128 + signal.SIGKILL if proc.returncode < 0 else 127,
                   err + "\n(timed out or could not start)")
    with open(result, encoding="ascii") as f:
        start_us, wall_us, rss, code = (int(x) for x in f.read().split())
    os.unlink(result)
    return Run(start_us / 1e6, wall_us / 1e6, rss, code, err)


def start_sink(tmp, certs, delay_ms, keep):
    os.makedirs(keep, exist_ok=True)
    argv = [PYTHON, os.path.join(HERE, "sink.py"),
            "--cert", os.path.join(certs, "server.pem"),
            "--key", os.path.join(certs, "server-key.pem"),
            "--user", LOGIN, "--password", PASSWORD,
            "--reply-delay-ms", str(delay_ms), "--keep", keep]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().split()
    if len(line) != 2 or line[0] != "READY":
        raise SystemExit("bench: the sink did not start")
    return proc, int(line[1])


def start_xvfb(tmp):
    """One Xvfb on a free display for all window runs; None if Xvfb is missing."""
    if shutil.which("Xvfb") is None:
        return None, None
    r, w = os.pipe()
    with open(os.path.join(tmp, "xvfb.log"), "wb") as errors:
        proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x1024x24",
                                 "-nolisten", "tcp", "-noreset"], pass_fds=[w],
                                stdout=subprocess.DEVNULL, stderr=errors)
    os.close(w)
    # Xvfb writes the number and the newline separately, and ends if the pipe is closed in
    # between: read up to the newline.
    got = b""
    deadline = time.monotonic() + 20
    while not got.endswith(b"\n") and time.monotonic() < deadline:
        if not select.select([r], [], [], max(0, deadline - time.monotonic()))[0]:
            break
        more = os.read(r, 64)
        if not more:
            break
        got += more
    os.close(r)
    display = got.decode().strip() if got.endswith(b"\n") else ""
    if not display:
        proc.kill()
        proc.wait()
        return None, None
    return proc, ":" + display


def start_bus(tmp):
    """A private session bus for the window runs (GtkApplication registers on it)."""
    if shutil.which("dbus-daemon") is None:
        return None, None
    proc = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    address = proc.stdout.readline().strip()
    if not address:
        proc.kill()
        proc.wait()
        return None, None
    return proc, address


# --- test data -----------------------------------------------------------------------------

class Setup:
    """The settings folders and pre-built messages of one workload."""

    def __init__(self, bench, name, port, recipients, attachment, eml=True):
        self.name = name
        self.recipients = recipients
        self.attachment = attachment
        self.dir = os.path.join(bench.tmp, "settings-" + name)
        os.makedirs(os.path.join(self.dir, "attachments"))
        if attachment:
            os.link(attachment, os.path.join(self.dir, "attachments",
                                             os.path.basename(attachment)))
        with open(os.path.join(self.dir, "body.txt"), "w", encoding="utf-8") as f:
            f.write(bench.body)
        config = {"smtp_host": "127.0.0.1", "smtp_port": port, "security": "tls",
                  "ca_file": bench.ca, "timeout_seconds": 60}
        data = {"to_addrs": recipients,
                "message": {"subject": SUBJECT, "message_file_path": "body.txt",
                            "attachment_folder_path": "attachments"}}
        self.write("config.json", config)
        self.write("data.json", data)
        self.write("credentials.json", {"login": LOGIN, "password": PASSWORD}, 0o600)
        # Only curl and msmtp need it; its size is what the check expects of every program.
        self.eml = os.path.join(bench.tmp, name + ".eml")
        self.eml_size = self.build_eml(bench.body, eml)
        self.port = port

    def write(self, name, value, mode=0o644):
        path = os.path.join(self.dir, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(value, f, ensure_ascii=False, indent=2)

    def build_eml(self, body, write=True):
        """The message for curl and msmtp, pre-built: what the original would send (a text
        part, the attachment in base64 lines of 76), CRLF line ends, written as a stream.
        Returns its size; with write FALSE only computes it."""
        boundary = "=====bench-boundary-%d=====" % os.getpid()
        to = ",\r\n ".join(self.recipients)
        headers = ("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%d.bench@%s>\r\n"
                   "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
                   % (SENDER, to, SUBJECT, email.utils.formatdate(localtime=True),
                      time.time_ns(), "example.com", boundary))
        text = base64.encodebytes(body.encode("utf-8")).replace(b"\n", b"\r\n")
        if not write:
            name = os.path.basename(self.attachment or "")
            return (len(headers.encode("utf-8")) + len(text) + 200 + len(name)
                    + (base64_size(os.path.getsize(self.attachment)) if self.attachment else 0))
        with open(self.eml, "wb") as f:
            f.write(headers.encode("utf-8"))
            f.write(("--%s\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\n" % boundary).encode())
            f.write(text)
            if self.attachment:
                name = os.path.basename(self.attachment)
                f.write(("--%s\r\nContent-Type: application/octet-stream\r\n"
                         "Content-Transfer-Encoding: base64\r\n"
                         "Content-Disposition: attachment; filename=\"%s\"\r\n\r\n"
                         % (boundary, name)).encode())
                with open(self.attachment, "rb") as a:
                    while True:
                        block = a.read(57 * 16384)
                        if not block:
                            break
                        f.write(base64.encodebytes(block).replace(b"\n", b"\r\n"))
            f.write(("--%s--\r\n" % boundary).encode())
            return f.tell()


# --- the benchmark -------------------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.ours = os.path.join(self.build, "src", "smtp-client")
        self.rows = []      # (workload, program, median wall, peak rss, note)
        self.targets = []   # (target, measured, PASS/FAIL/skipped)
        self.notes = []
        self.procs = []
        self.tmp = tempfile.mkdtemp(prefix="sc-bench-")
        self.body = body_text()

    # --- set-up and tear-down -------------------------------------------------------------

    def setup(self):
        build_spawn(self.tmp)
        certs = os.path.join(self.tmp, "certs")
        subprocess.run(["bash", os.path.join(SOURCE, "tests", "gen-certs.sh"), certs], check=True)
        self.ca = os.path.join(certs, "ca.pem")
        self.keep = os.path.join(self.tmp, "keep")
        self.keep_slow = os.path.join(self.tmp, "keep-slow")
        sink, self.port = start_sink(self.tmp, certs, 0, self.keep)
        self.procs.append(sink)
        slow, self.port_slow = start_sink(self.tmp, certs, 20, self.keep_slow)
        self.procs.append(slow)
        self.sink_pid = {self.port: sink.pid, self.port_slow: slow.pid}
        for sub in ("xdg-data", "xdg-config", "xdg-cache", "runtime"):
            os.makedirs(os.path.join(self.tmp, sub), mode=0o700)
        self.msmtprc = os.path.join(self.tmp, "msmtprc")
        os.close(os.open(self.msmtprc, os.O_WRONLY | os.O_CREAT, 0o600))
        self.env = dict(os.environ,
                        XDG_DATA_HOME=os.path.join(self.tmp, "xdg-data"),
                        XDG_CONFIG_HOME=os.path.join(self.tmp, "xdg-config"),
                        XDG_CACHE_HOME=os.path.join(self.tmp, "xdg-cache"),
                        LC_ALL="C.UTF-8")
        self.env.pop("LANGUAGE", None)

    def teardown(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if self.args.keep_temp:
            log("temporary folder kept: " + self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def data_file(self, name, size):
        path = os.path.join(self.tmp, "data", name)
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_random(path, size)
        return path

    # --- the programs --------------------------------------------------------------------

    def programs(self, setup):
        """(name, argv, stdin) for each program that can run here."""
        ours = [self.ours, "--send", "--settings", setup.dir]
        progs = [("ours", ours, None)]
        if shutil.which("curl"):
            argv = ["curl", "-q", "--silent", "--show-error", "--ssl-reqd",
                    "--url", "smtps://127.0.0.1:%d" % setup.port, "--cacert", self.ca,
                    "--user", "%s:%s" % (LOGIN, PASSWORD), "--mail-from", SENDER]
            for r in setup.recipients:
                argv += ["--mail-rcpt", r]
            progs.append(("curl", argv + ["--upload-file", setup.eml], None))
        else:
            progs.append(("curl", None, "curl is not installed"))
        if shutil.which("msmtp"):
            argv = ["msmtp", "-C", self.msmtprc, "--host=127.0.0.1", "--port=%d" % setup.port,
                    "--tls=on", "--tls-starttls=off", "--tls-trust-file=" + self.ca,
                    "--auth=plain", "--user=" + LOGIN, "--passwordeval=echo " + PASSWORD,
                    "--from=" + SENDER, "--"] + setup.recipients
            progs.append(("msmtp", argv, setup.eml))
        else:
            progs.append(("msmtp", None, "msmtp is not installed"))
        progs.append(("python", [PYTHON, os.path.join(HERE, "original-send.py"), setup.dir],
                      None))
        return progs

    def measure(self, workload, setup, programs, reps, warmup=False):
        """Runs each program reps times, interleaved; returns {name: [Run]}; checks the
        message each program's first run delivered."""
        runs = {name: [] for name, argv, _ in programs if argv}
        failed = {}
        for name, argv, why in programs:
            if argv is None:
                self.rows.append((workload, name, None, None, "skipped: " + why))
        for rep in range(reps + (1 if warmup else 0)):
            for name, argv, stdin in programs:
                if argv is None or name in failed:
                    continue
                before = cpu_seconds(self.sink_pid[setup.port])
                run = timed(argv, env=self.env, stdin=stdin)
                run.sink_cpu = cpu_seconds(self.sink_pid[setup.port]) - before
                if run.code != 0:
                    failed[name] = "failed (exit %d): %s" % (run.code, last_line(run.err))
                    log("  %s %s: %s" % (workload, name, failed[name]))
                    continue
                if rep == 0:
                    problem = self.check(setup, name)
                    if problem:
                        failed[name] = "wrong message: " + problem
                        log("  %s %s: %s" % (workload, name, failed[name]))
                        continue
                if warmup and rep == 0:
                    continue
                runs[name].append(run)
        for name, argv, _ in programs:
            if argv is None:
                continue
            if name in failed:
                self.rows.append((workload, name, None, None, failed[name]))
                runs.pop(name, None)
            else:
                wall = statistics.median(r.wall for r in runs[name])
                rss = statistics.median(r.rss for r in runs[name])
                sink = statistics.median(r.sink_cpu for r in runs[name])
                note = "%s; sink CPU %s" % (plural(len(runs[name]), "run"), fmt_time(sink))
                if sink > 0.8 * wall and wall > 0.05:
                    note += " (the sink may have slowed this one)"
                self.rows.append((workload, name, wall, rss, note))
        return runs

    def check(self, setup, name):
        """What is wrong with the last message the sink got, or None: the envelope, the size,
        the end; for ours also the text and the first and last bytes of the attachment."""
        keep = self.keep_slow if setup.port == self.port_slow else self.keep
        try:
            with open(os.path.join(keep, "last.json"), encoding="utf-8") as f:
                got = json.load(f)
        except (OSError, ValueError) as e:
            return "the sink kept nothing (%s)" % e
        try:
            with open(os.path.join(keep, "last.head"), "rb") as f:
                head = f.read()
            with open(os.path.join(keep, "last.tail"), "rb") as f:
                tail = f.read()
        except OSError as e:
            return "the sink kept nothing (%s)" % e
        os.unlink(os.path.join(keep, "last.json"))
        if got["mail_from"] != "<%s>" % SENDER:
            return "MAIL FROM %s" % got["mail_from"]
        rcpts = [r.split()[0] for r in got["rcpt_to"]]
        if rcpts != ["<%s>" % r for r in setup.recipients]:
            return "%d recipients, not %d" % (len(rcpts), len(setup.recipients))
        expected = setup.eml_size
        if not expected * 0.97 - 4096 <= got["size"] <= expected * 1.03 + 4096:
            return "%d bytes, not about %d" % (got["size"], expected)
        headers = head[:head.find(b"\r\n\r\n")]
        if b"multipart/" in headers.lower() and not tail.endswith(b"--\r\n"):
            return "does not end with a closing MIME boundary: %r" % tail[-40:]
        if name != "ours":
            return None
        if setup.attachment is None:
            msg = email.message_from_bytes(head, policy=email.policy.default)
            part = msg.get_body(("plain",))
            text = part.get_content() if part else None
            if text is None or text.replace("\r\n", "\n").strip() != self.body.strip():
                return "the text part differs from body.txt"
            if msg["Subject"] != SUBJECT:
                return "Subject %r" % msg["Subject"]
            return None
        return check_attachment(head, tail, setup.attachment)

    # --- workloads --------------------------------------------------------------------------

    def ratios(self, workload, runs):
        ours = runs.get("ours")
        if not ours:
            return {}
        mine = statistics.median(r.wall for r in ours)
        return {name: mine / statistics.median(r.wall for r in rs)
                for name, rs in runs.items() if name != "ours" and rs}

    def target(self, text, measured, ok):
        self.targets.append((text, measured, "skipped" if ok is None else
                             ("PASS" if ok else "FAIL")))

    def w_1kb(self):
        log("1 KB message (body only) …")
        setup = Setup(self, "1kb", self.port, ["rcpt@example.org"], None)
        # Short runs whose time the machine's noise moves by a few ms: enough of them for a
        # steady median (about 5 s in all).
        runs = self.measure("1 KB", setup, self.programs(setup), 15, warmup=True)
        ratio = self.ratios("1 KB", runs).get("curl")
        self.target("1 KB, whole process: ours/curl ≤ 1.2",
                    "%.2f×" % ratio if ratio else "—", None if ratio is None else ratio <= 1.2)
        self.gtk_check(setup)

    def gtk_check(self, setup):
        """A headless send must not load GTK: the dynamic loader's own list (LD_DEBUG=files)."""
        env = dict(self.env, LD_DEBUG="files")
        run = timed([self.ours, "--send", "--settings", setup.dir], env=env)
        loaded = sorted(set(re.findall(r"file=(lib(?:gtk-4|adwaita-1)\S*)", run.err)))
        self.check(setup, "ours")  # consume the message
        if run.code != 0:
            self.target("1 KB, headless send loads no GTK", "send failed", False)
        else:
            self.target("1 KB, headless send loads no GTK",
                        ", ".join(loaded) if loaded else "no GTK, no libadwaita", not loaded)

    def w_50mb(self):
        log("50 MB attachment …")
        data = self.data_file("attachment-50MB.bin", 50 * MiB)
        setup = Setup(self, "50mb", self.port, ["rcpt@example.org"], data)
        runs = self.measure("50 MB", setup, self.programs(setup), 3)
        ratio = self.ratios("50 MB", runs).get("curl")
        self.target("50 MB attachment, whole process: ours/curl ≤ 1.0",
                    "%.2f×" % ratio if ratio else "—", None if ratio is None else ratio <= 1.0)
        curl = runs.get("curl")
        if curl:
            t = statistics.median(r.wall for r in curl)
            cpu = statistics.median(r.sink_cpu for r in curl)
            self.notes.append(
                "The sink: curl's pre-built %.0f MB took %s (%.0f MB/s through TLS into the sink), "
                "of which the sink spent %s on its CPU (%s MB/s of its own capacity)."
                % (setup.eml_size / 1e6, fmt_time(t), setup.eml_size / 1e6 / t, fmt_time(cpu),
                   "%.0f" % (setup.eml_size / 1e6 / cpu) if cpu > 0 else "many hundred"))
        self.rss50 = (statistics.median(r.rss for r in runs["ours"]) if runs.get("ours")
                      else None)

    def w_500mb(self):
        log("500 MB attachment (ours only, for memory) …")
        data = self.data_file("attachment-500MB.bin", 500 * MiB)
        setup = Setup(self, "500mb", self.port, ["rcpt@example.org"], data, eml=False)
        runs = self.measure("500 MB", setup, [p for p in self.programs(setup)
                                              if p[0] == "ours"], 1)
        rss500 = runs["ours"][0].rss if runs.get("ours") else None
        rss50 = getattr(self, "rss50", None)
        if rss500 is None:
            self.target("peak RSS ≤ 30 MiB at 500 MB", "send failed", False)
            return
        self.target("peak RSS ≤ 30 MiB at 500 MB", fmt_rss(rss500), rss500 <= 30 * 1024)
        if rss50 is not None:
            self.target("peak RSS flat from 50 MB to 500 MB (within 5 MiB)",
                        "%s → %s" % (fmt_rss(rss50), fmt_rss(rss500)),
                        abs(rss500 - rss50) <= 5 * 1024)

    def w_rcpt100(self):
        log("100 recipients, 20 ms per reply …")
        recipients = ["rcpt%03d@example.org" % i for i in range(100)]
        setup = Setup(self, "rcpt100", self.port_slow, recipients, None)
        runs = self.measure("100 rcpt, 20 ms", setup, self.programs(setup), 3)
        ours = runs.get("ours")
        t = statistics.median(r.wall for r in ours) if ours else None
        self.target("100 recipients, 20 ms per reply: < 0.3 s", fmt_time(t),
                    None if t is None else t < 0.3)

    # --- the window probes ----------------------------------------------------------------

    def window_env(self):
        if getattr(self, "wenv", None) is not None:
            return self.wenv
        xvfb, display = start_xvfb(self.tmp)
        if xvfb is None:
            return None
        self.procs.append(xvfb)
        self.xvfb = xvfb
        # Xvfb has no GPU: GL would be Mesa's software rasteriser, which measures Mesa, not
        # us; GTK's cairo renderer is what the UI tests use there too (override: GSK_RENDERER).
        env = dict(self.env, DISPLAY=display, GDK_BACKEND="x11",
                   XDG_RUNTIME_DIR=os.path.join(self.tmp, "runtime"),
                   GSK_RENDERER=os.environ.get("GSK_RENDERER", "cairo"))
        env.pop("WAYLAND_DISPLAY", None)
        bus, address = start_bus(self.tmp)
        if bus is not None:
            self.procs.append(bus)
            env["DBUS_SESSION_BUS_ADDRESS"] = address
        self.wenv = env
        return env

    def probe(self, argv, env):
        out = os.path.join(self.tmp, "probe.out")
        run = timed(argv, env=env, stdout=out)
        with open(out, encoding="utf-8", errors="replace") as f:
            text = f.read().strip()
        if run.code != 0:
            if self.xvfb.poll() is not None:
                with open(os.path.join(self.tmp, "xvfb.log"), errors="replace") as f:
                    return None, run, "Xvfb ended (%d): %s" % (self.xvfb.returncode,
                                                               last_line(f.read()))
            return None, run, "exit %d: %s" % (run.code, last_line(run.err))
        try:
            result = json.loads(text.splitlines()[-1])
        except (ValueError, IndexError):
            return None, run, "no JSON line on stdout: %r" % text[-200:]
        result["_start"] = run.start
        return result, run, None

    def skip(self, workload, programs, why):
        for name in programs:
            self.rows.append((workload, name, None, None, "skipped: " + why))

    def w_first_frame(self):
        log("window: first frame …")
        workload = "first frame"
        probe = os.path.join(self.build, "bench", "window-probe")
        minimal = os.path.join(self.build, "bench", "adw-minimal")
        texts = ("window: first frame ≤ 1.3× a minimal libadwaita window's",)
        missing = [p for p in (probe, minimal) if not os.access(p, os.X_OK)]
        if missing:
            why = "%s not built (the window probes of bench/meson.build)" % \
                  ", ".join(os.path.relpath(p, self.build) for p in missing)
            self.skip(workload, ["window", "adw-minimal"], why)
            self.target(texts[0], why, None)
            return
        env = self.window_env()
        if env is None:
            self.skip(workload, ["window", "adw-minimal"], "Xvfb is missing")
            self.target(texts[0], "Xvfb is missing", None)
            return
        setup = Setup(self, "window", self.port, ["rcpt@example.org"], None)
        progs = [("window", [probe, "--first-frame", "--settings", setup.dir]),
                 ("adw-minimal", [minimal])]
        frames = {name: [] for name, _ in progs}
        rss = {name: [] for name, _ in progs}
        failed = {}
        for rep in range(12):  # the first is a warm-up; 11 runs for a steady median
            for name, argv in progs:
                if name in failed:
                    continue
                result, run, problem = self.probe(argv, env)
                if problem is None and "first_frame_us" not in result:
                    problem = "no first_frame_us in its JSON line"
                if problem:
                    failed[name] = "failed: " + problem
                    continue
                if rep > 0:
                    frames[name].append(result["first_frame_us"] / 1e6 - result["_start"])
                    rss[name].append(run.rss)
        for name, _ in progs:
            if name in failed:
                self.rows.append((workload, name, None, None, failed[name]))
            else:
                self.rows.append((workload, name, statistics.median(frames[name]),
                                  statistics.median(rss[name]),
                                  "time to first frame, " + plural(len(frames[name]), "run")))
        if failed:
            self.target(texts[0], "a probe failed", False)
            return
        ratio = statistics.median(frames["window"]) / statistics.median(frames["adw-minimal"])
        self.target(texts[0], "%.2f×" % ratio, ratio <= 1.3)

    def w_stall(self):
        log("window: 100 MB send, main-loop stalls and progress …")
        workload = "window 100 MB send"
        probe = os.path.join(self.build, "bench", "window-probe")
        texts = ("window: no main-loop stall over 16 ms during a 100 MB send",
                 "window: progress updates 10 to 60 times a second")
        if not os.access(probe, os.X_OK):
            why = "bench/window-probe not built (the window probes of bench/meson.build)"
            self.skip(workload, ["window"], why)
            for t in texts:
                self.target(t, why, None)
            return
        env = self.window_env()
        if env is None:
            self.skip(workload, ["window"], "Xvfb is missing")
            for t in texts:
                self.target(t, "Xvfb is missing", None)
            return
        data = self.data_file("attachment-100MB.bin", 100 * MiB)
        setup = Setup(self, "window-send", self.port, ["rcpt@example.org"], data, eml=False)
        results = []
        problem = None
        for rep in range(5):
            result, run, problem = self.probe([probe, "--send", "--settings", setup.dir], env)
            if problem is None:
                missing = [k for k in ("max_stall_us", "progress_updates", "send_us",
                                       "progress_hz") if k not in result]
                if missing:
                    problem = "no %s in its JSON line" % ", ".join(missing)
            if problem is None and rep == 0:
                problem = self.check(setup, "ours")
            if problem:
                break
            result["_rss"] = run.rss
            results.append(result)
        if problem:
            self.rows.append((workload, "window", None, None, "failed: " + problem))
            for t in texts:
                self.target(t, "probe failed", False)
            return
        stall = statistics.median(r["max_stall_us"] for r in results) / 1e6
        worst = max(r["max_stall_us"] for r in results) / 1e6
        hz = statistics.median(r["progress_hz"] for r in results)
        send = statistics.median(r["send_us"] for r in results) / 1e6
        updates = statistics.median(r["progress_updates"] for r in results)
        self.rows.append((workload, "window", send,
                          statistics.median(r["_rss"] for r in results),
                          "send time; longest stall %s (worst run %s), %d progress updates, "
                          "%.1f Hz, %s" % (fmt_time(stall), fmt_time(worst), updates, hz,
                                           plural(len(results), "run"))))
        self.target(texts[0], "%s (median of %d runs; worst %s)"
                    % (fmt_time(stall), len(results), fmt_time(worst)), stall <= 0.016)
        self.target(texts[1], "%.1f Hz" % hz, 10 <= hz <= 60)

    # --- reporting ------------------------------------------------------------------------

    def tables(self):
        """The two tables as Markdown lines."""
        lines = ["| workload | program | median wall | peak RSS | ours / this | note |",
                 "|---|---|---:|---:|---:|---|"]
        ours = {}
        for workload, name, wall, rss, note in self.rows:
            if name == "ours" and wall is not None:
                ours[workload] = wall
        for workload, name, wall, rss, note in self.rows:
            ratio = "—"
            if name not in ("ours", "window", "adw-minimal") and wall and workload in ours:
                ratio = "%.2f×" % (ours[workload] / wall)
            lines.append("| %s | %s | %s | %s | %s | %s |"
                         % (workload, name, fmt_time(wall), fmt_rss(rss), ratio, note))
        lines += ["", "| target (issue #9) | measured | result |", "|---|---|---|"]
        for text, measured, result in self.targets:
            lines.append("| %s | %s | %s |" % (text, measured, result))
        return lines

    def ours_version(self):
        """smtp-client's version and build type, from the build folder's meson-info."""
        info = os.path.join(self.build, "meson-info")
        try:
            with open(os.path.join(info, "intro-projectinfo.json"), encoding="utf-8") as f:
                version = json.load(f)["version"]
            with open(os.path.join(info, "intro-buildoptions.json"), encoding="utf-8") as f:
                options = {o["name"]: o["value"] for o in json.load(f)}
        except (OSError, ValueError, KeyError):
            return "unknown"
        return "smtp-client %s, %s build (%s), gui %s" % (
            version, options.get("buildtype"), os.path.relpath(self.build, SOURCE),
            options.get("gui"))

    def machine(self):
        cpu = "unknown"
        try:
            with open("/proc/cpuinfo", encoding="utf-8") as f:
                for line in f:
                    if line.startswith("model name"):
                        cpu = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        try:
            with open("/etc/debian_version", encoding="utf-8") as f:
                debian = f.read().strip()
        except OSError:
            debian = "not Debian"
        gnutls = output_of(["dpkg-query", "-W", "-f=${Version}", "libgnutls30"]) or "unknown"
        commit = output_of(["git", "-C", SOURCE, "rev-parse", "HEAD"]) or "unknown"
        dirty = output_of(["git", "-C", SOURCE, "status", "--porcelain", "--untracked-files=no",
                           "--", ".", ":!bench/RESULTS.md"])
        return [
            ("CPU", "%s, %d cores" % (cpu, os.cpu_count() or 0)),
            ("Kernel", platform.release()),
            ("Debian", debian),
            ("Load average at the start", self.load_start),
            ("Load average at the end", self.load_end),
            ("Commit measured", commit + (" (with uncommitted changes)" if dirty else "")),
            ("ours", self.ours_version()),
            ("curl", output_of(["curl", "--version"]).split("\n")[0] or "not installed"),
            ("msmtp", output_of(["msmtp", "--version"]).split("\n")[0] or "not installed"),
            ("python", output_of([PYTHON, "--version"])),
            ("GnuTLS (libgnutls30)", gnutls),
        ]

    def report(self, started, elapsed):
        lines = self.tables()
        log("")
        for line in lines:
            log(line)
        for note in self.notes:
            log("")
            log(note)
        if self.args.output == "-":
            return
        command = os.environ.get("SC_BENCH_COMMAND") or \
            " ".join([PYTHON, os.path.relpath(__file__, SOURCE)] + sys.argv[1:])
        md = ["# Benchmark results", "",
              "Written by `bench/run.py`; bench/README.md explains the workloads. Rerun after a "
              "change with the command below; these numbers are from the commit named here.", "",
              "- Date: %s" % started.strftime("%Y-%m-%d %H:%M UTC"),
              "- Command: `%s` (took %.0f s)" % (command, elapsed)]
        md += ["- %s: %s" % (k, v) for k, v in self.machine()]
        md += ["", "Wall time is the whole process, from start to exit, median of the runs; peak "
               "RSS is the process's maximum resident set (`ru_maxrss`), median. "
               "\"ours / this\" is our median wall time divided by this program's. "
               "curl and msmtp send a pre-built message; ours and the Python program build it "
               "from the settings folder.", ""]
        md += lines
        load = float(self.load_start.split()[0] or 0) if self.load_start else 0
        if load > (os.cpu_count() or 1) / 2:
            md += ["", "**The machine was busy** (load average %.1f on %d cores at the start): "
                   "the times are longer than on an idle machine, and the ratios less steady."
                   % (load, os.cpu_count() or 1)]
        for note in self.notes:
            md += ["", note]
        md.append("")
        path = self.args.output or os.path.join(HERE, "RESULTS.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(md))
        log("")
        log("written: " + os.path.relpath(path))

    def serve(self, name):
        """Sets up one workload, starts the sinks and waits (for profiling by hand)."""
        self.load_start = ""
        try:
            self.setup()
            if name == "1kb":
                setup = Setup(self, name, self.port, ["rcpt@example.org"], None)
            elif name == "rcpt100":
                setup = Setup(self, name, self.port_slow,
                              ["rcpt%03d@example.org" % i for i in range(100)], None)
            else:
                size = {"50mb": 50, "100mb": 100, "500mb": 500}[name] * MiB
                setup = Setup(self, name, self.port, ["rcpt@example.org"],
                              self.data_file("attachment-%s.bin" % name.upper(), size),
                              eml=name != "500mb")
            log("The sink listens on 127.0.0.1:%d (%s); the settings folder of %s:"
                % (setup.port, "20 ms per reply" if setup.port == self.port_slow
                   else "no delay", name))
            log("SETTINGS=%s" % setup.dir)
            log("The programs, as the benchmark runs them:")
            for prog, argv, stdin in self.programs(setup):
                if argv is None:
                    continue
                if prog == "ours":
                    argv = ["env", "XDG_DATA_HOME=" + self.env["XDG_DATA_HOME"],
                            "XDG_CONFIG_HOME=" + self.env["XDG_CONFIG_HOME"]] + argv
                line = " ".join(shell_quote(a) for a in argv)
                if stdin:
                    if not os.path.exists(stdin):
                        continue
                    line += " < " + shell_quote(stdin)
                log("  %s: %s" % (prog, line))
            log("Stop with Ctrl-C (the temporary folder is then removed).")
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            self.teardown()

    def run(self):
        started = datetime.datetime.now(datetime.timezone.utc)
        t0 = time.monotonic()
        self.load_start = open("/proc/loadavg").read().split()[:3]
        self.load_start = " ".join(self.load_start)
        only = self.args.only.split(",") if self.args.only else WORKLOADS
        for name in only:
            if name not in WORKLOADS:
                raise SystemExit("bench: no workload %r (%s)" % (name, ", ".join(WORKLOADS)))
        try:
            self.setup()
            for name in WORKLOADS:
                if name in only:
                    getattr(self, "w_" + name.replace("-", "_"))()
        finally:
            self.load_end = " ".join(open("/proc/loadavg").read().split()[:3])
            self.teardown()
        self.report(started, time.monotonic() - t0)


def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def shell_quote(word):
    return word if re.fullmatch(r"[A-Za-z0-9_@%+=:,./-]+", word) else \
        "'" + word.replace("'", "'\\''") + "'"


def cpu_seconds(pid):
    """The user + system CPU time of a process so far (10 ms steps)."""
    with open("/proc/%d/stat" % pid, encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def last_line(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1][:300] if lines else "(nothing on stderr)"


def check_attachment(head, tail, path):
    """The attachment's first and last bytes, decoded from the kept head and tail of the
    message, must be the file's."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        first = f.read(65536)  # more than the kept 64 KiB of base64 hold
        f.seek(max(0, size - 32768))
        last = f.read()
    name = os.path.basename(path).encode()
    at = head.find(name)
    start = head.find(b"\r\n\r\n", at) if at >= 0 else -1
    if start < 0:
        return "no attachment part named %s in the first 64 KiB" % name.decode()
    lines = []
    for l in head[start + 4:].split(b"\r\n")[:-1]:  # whole lines only
        if not l or l.startswith(b"--"):
            break
        lines.append(l)
    try:
        decoded = base64.b64decode(b"".join(lines), validate=True)
    except ValueError:
        return "the attachment's first lines are not base64"
    if not decoded or not first.startswith(decoded):
        return "the attachment's first bytes differ from the file's"
    # From the end: the base64 lines before the closing boundary.
    end_lines = tail.split(b"\r\n")
    while end_lines and (not end_lines[-1] or end_lines[-1].startswith(b"--")):
        end_lines.pop()
    body = []
    for l in reversed(end_lines[1:]):  # the first may be cut
        if not re.fullmatch(rb"[A-Za-z0-9+/=]+", l):
            break
        body.insert(0, l)
    if body and len(body[0]) % 4 == 0:
        try:
            decoded = base64.b64decode(b"".join(body), validate=True)
        except ValueError:
            return "the attachment's last lines are not base64"
        if not last.endswith(decoded):
            return "the attachment's last bytes differ from the file's"
    else:
        return "no base64 lines before the closing boundary"
    return None


def main():
    parser = argparse.ArgumentParser(description="The benchmark of bench/README.md.")
    parser.add_argument("--build", default="_build-bench",
                        help="the build folder (meson --buildtype=release), default _build-bench")
    parser.add_argument("--only", help="comma-separated workloads: " + ",".join(WORKLOADS))
    parser.add_argument("--output", help="where to write the results (default "
                        "bench/RESULTS.md; - for none)")
    parser.add_argument("--keep-temp", action="store_true",
                        help="keep the temporary folder (test data, sink summaries)")
    parser.add_argument("--serve", metavar="WORKLOAD", choices=["1kb", "50mb", "100mb",
                                                                "500mb", "rcpt100"],
                        help="only set up WORKLOAD (1kb, 50mb, 100mb, 500mb, rcpt100), start "
                        "the sinks, print the settings folder and the commands, and wait: for "
                        "profiling (bench/README.md)")
    args = parser.parse_args()
    os.chdir(SOURCE)
    bench = Bench(args)
    if not os.access(bench.ours, os.X_OK):
        raise SystemExit("bench: %s is not built (meson setup %s --buildtype=release "
                         "-Dgui=enabled; meson compile -C %s)"
                         % (bench.ours, args.build, args.build))
    if args.serve:
        bench.serve(args.serve)
    else:
        bench.run()


if __name__ == "__main__":
    main()
