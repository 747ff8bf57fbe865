"""What the end-to-end scripts share: starting a real `switchboard serve` and calling its API."""
import json, os, re, subprocess, sys, threading, time, urllib.request


def start_server(binary, database, admin_key):
    """Starts `serve` on a free port; returns the process and its base URL once it listens."""
    process = subprocess.Popen(
        [binary, "serve", "--port", "0", "--database", database, "--allow-private-destinations", "--log-level", "error"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, "SWITCHBOARD_ADMIN_KEY": admin_key}, text=True)
    deadline = time.time() + 60
    for line in process.stdout:
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if match:
            threading.Thread(target=process.stdout.read, daemon=True).start()  # keep draining
            return process, f"http://127.0.0.1:{match.group(1)}"
        if time.time() > deadline:
            break
    process.kill()
    sys.exit("the server did not start")


def call(base, method, path, body, auth, timeout=15):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                     headers={"Content-Type": "application/json", "Authorization": auth})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, json.loads(response.read() or b"null")
