"""sutro-lab as a process (CTest app.sutro_lab): a tiny configuration's JSON
and CSV, exit code 2 and the message of bad input, --help, --list-methods, and
the progress line only on a terminal. Usage: sutro_lab_binary.py <sutro-lab>."""
import csv
import io
import json
import os
import pty
import subprocess
import sys

BIN = sys.argv[1]
TINY = ["--task", "parity:20:3", "--method", "gf2_elimination,sgd_mlp", "--seeds", "42", "--train", "200",
        "--test", "100", "--repeats", "1", "--epochs", "3", "--hidden", "16", "--trace-every", "1"]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def run(args):
    return subprocess.run([BIN] + args, capture_output=True, text=True, timeout=300)


# JSON on stdout: parses, the keys of the lab's report, one summary and one run per method.
r = run(TINY + ["--json", "-"])
check(r.returncode == 0, f"--json - exits 0, got {r.returncode}: {r.stderr}")
check("\r" not in r.stderr, "no progress line when stderr is not a terminal")
report = json.loads(r.stdout)
check(set(report) == {"summaries", "runs"}, f"top-level keys {sorted(report)}")
summary_keys = {"task", "method", "runs", "secret_found", "mean_test_accuracy", "median_time_s", "median_samples",
                "max_bytes_allocated", "max_peak_bytes", "pass", "trace", "data_movement", "applies",
                "not_applicable"}
run_keys = {"task", "method", "seed", "status", "secret_found", "test_accuracy", "time_s", "gen_time_s",
            "samples_used", "bytes_allocated", "peak_bytes", "trace", "data_movement", "applies", "not_applicable"}
check([s["method"] for s in report["summaries"]] == ["gf2_elimination", "sgd_mlp"], "one summary per method")
for s in report["summaries"]:
    check(set(s) == summary_keys, f"summary keys {sorted(s)}")
    check(s["task"] == "sparse_parity (20,3)" and s["runs"] == 1, f"summary {s['method']}: task and runs")
    check("dmd" in s["data_movement"], f"summary {s['method']}: a traced run")
check(len(report["runs"]) == 2, "one run per method")
for x in report["runs"]:
    check(set(x) == run_keys, f"run keys {sorted(x)}")
    check(x["seed"] == 42, "seed 42")
gf2 = report["runs"][0]
check(gf2["status"] == "found" and gf2["secret_found"] is True and gf2["test_accuracy"] == 1.0,
      f"gf2_elimination solves (20,3): {gf2['status']} {gf2['test_accuracy']}")
check(report["runs"][1]["samples_used"] == 200, "the MLP uses the whole training set")
check(all(x["applies"] is True and x["not_applicable"] is None for x in report["summaries"] + report["runs"]),
      "every method applies to (20,3)")

# A method that declines a task (noise-free gf2_elimination, noisy labels): not run, no numbers, the reason.
r = run(["--task", "parity:20:3:0.1", "--method", "gf2_elimination,exhaustive", "--seeds", "42", "--repeats", "1",
         "--json", "-"])
check(r.returncode == 0, f"a declined method exits 0, got {r.returncode}: {r.stderr}")
noisy = json.loads(r.stdout)
s = noisy["summaries"][0]
check(s["method"] == "gf2_elimination" and s["applies"] is False and "noise-free" in s["not_applicable"] and
      s["runs"] == 0 and s["pass"] is None and s["mean_test_accuracy"] is None and s["data_movement"] == {},
      f"declined summary {s}")
x = noisy["runs"][0]
check(x["status"] == "not_applicable" and x["test_accuracy"] is None and x["time_s"] is None and
      x["not_applicable"] == s["not_applicable"], f"declined run {x}")
check(noisy["summaries"][1]["applies"] is True and noisy["summaries"][1]["pass"] is True, "exhaustive applies")
r = run(["--task", "parity:20:3:0.1", "--method", "gf2_elimination", "--seeds", "42", "--repeats", "1"])
rows = [line for line in r.stdout.splitlines() if line.startswith("sparse_parity (20,3) p=10%")]
check(r.returncode == 3 and len(rows) == 1 and "does not apply" in rows[0] and rows[0].count("%") == 1,
      f"one declined row in the table, no accuracy, exit 3: {r.returncode} {r.stdout}")
check(r.stderr.startswith("sutro-lab: nothing ran:"), f"nothing ran is said on stderr: {r.stderr}")

# JSON to a file, the table on stdout.
path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"sutro_lab_test_{os.getpid()}.json")
r = run(TINY + ["--json", path])
check(r.returncode == 0, "--json FILE exits 0")
check(r.stdout.count("sparse_parity (20,3)") == 2 and "gf2_elimination" in r.stdout, "the table on stdout")
with open(path) as f:
    check(len(json.load(f)["runs"]) == 2, "the JSON file parses and holds both runs")
os.remove(path)

# CSV: the header, one row per run.
r = run(TINY + ["--csv", "-"])
check(r.returncode == 0, "--csv - exits 0")
rows = list(csv.reader(io.StringIO(r.stdout)))
header = rows[0]
check(header[:11] == ["task", "method", "seed", "status", "secret_found", "test_accuracy", "time_s", "gen_time_s",
                      "samples_used", "bytes_allocated", "peak_bytes"] and header[-1] == "trace" and "dmd" in header,
      f"CSV header {header}")
check(len(rows) == 3 and all(len(row) == len(header) for row in rows), f"{len(rows) - 1} CSV rows, expected 2")
check(rows[1][:6] == ["sparse_parity (20,3)", "gf2_elimination", "42", "found", "true", "1"], f"CSV row {rows[1][:6]}")
check(rows[2][:5] == ["sparse_parity (20,3)", "sgd_mlp", "42", "failed", "false"], f"CSV row {rows[2][:5]}")
check(r.stdout.startswith("task,method,seed,"), "the CSV starts with its header")

# Bad input: exit code 2, one line naming the value, no stack trace.
QUICK = ["--method", "sgd_mlp", "--seeds", "42", "--train", "20", "--test", "10", "--epochs", "1"]
for args, needle in [(["--method", "gf2_elimnation"], "unknown method 'gf2_elimnation'"),
                     (["--task", "parity:20"], "task 'parity:20' has 2 fields"),
                     (["--task", "parity:3:5"], "k = 5 exceeds n = 3"),
                     (["--seeds", ""], "the seed list is empty"),
                     (["--train", "-5"], "train = -5 must be positive"),
                     (["--test=-1"], "test = -1 must be positive"),
                     (["--train", "0x10"], "sutro-lab: --train = '0x10' is not a decimal integer"),
                     (QUICK + ["--hidden", "4,,4"], "sutro-lab: --hidden = '4,,4' has an empty entry"),
                     (QUICK + ["--json", ""], "sutro-lab: --json = '' is not a file name"),
                     (QUICK + ["--csv", ""], "sutro-lab: --csv = '' is not a file name"),
                     (["--bogus"], "--bogus")]:
    r = run(args)
    check(r.returncode == 2, f"{args}: exit code {r.returncode}, expected 2")
    check(needle in r.stderr, f"{args}: stderr {r.stderr!r} lacks {needle!r}")
    check(r.stderr.startswith("sutro-lab: ") and r.stderr.count("\n") == 1 and r.stderr.endswith("\n") and
          "terminate" not in r.stderr and "Aborted" not in r.stderr, f"{args}: one line, no trace: {r.stderr!r}")
    check(r.stdout == "", f"{args}: nothing on stdout")

# A failed write to stdout (a full disk) is a failed output, not a success.
if os.path.exists("/dev/full"):
    for fmt in ["--json", "--csv", None]:
        with open("/dev/full", "w") as full:
            p = subprocess.run([BIN, "--method", "gf2_elimination", "--seeds", "42", "--repeats", "1"] +
                               ([fmt, "-"] if fmt else []), stdout=full, stderr=subprocess.PIPE, text=True,
                               timeout=300)
        check(p.returncode == 1 and "sutro-lab: writing the output failed" in p.stderr,
              f"{fmt or 'the table'} to /dev/full: exit {p.returncode}, {p.stderr!r}")

r = run(["--help"])
check(r.returncode == 0 and "Example:" in r.stdout and "--list-methods" in r.stdout, "--help")
r = run(["--list-methods"])
names = [line.split()[0] for line in r.stdout.splitlines()]
check(r.returncode == 0 and "gf2_elimination" in names and "sgd_mlp" in names and "muon_mlp" in names,
      f"--list-methods: {names}")

# On a terminal, a training's progress line (shown at once with --progress-after 0).
leader, follower = pty.openpty()
p = subprocess.run([BIN] + TINY + ["--progress-after", "0"], stdout=subprocess.PIPE, stderr=follower, timeout=300)
os.close(follower)
seen = b""
try:
    while True:
        chunk = os.read(leader, 65536)
        if not chunk:
            break
        seen += chunk
except OSError:  # the terminal's other end is closed: everything is read
    pass
os.close(leader)
check(p.returncode == 0, "a run on a terminal exits 0")
check(b"\rsgd_mlp | sparse_parity (20,3) | seed 42 | epoch 3 | " in seen, f"progress on a terminal: {seen[:200]!r}")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("sutro-lab: all checks passed")
