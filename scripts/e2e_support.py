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


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(work):
    """nginx answering 200 at once, logging `time path X-Message-Id` per request to work/access.log.
    A receiver this fast keeps what the scripts measure about Switchboard, not about the receiver."""
    port, log = free_port(), os.path.join(work, "access.log")
    with open(os.path.join(work, "nginx.conf"), "w") as f:
        f.write(f"""worker_processes 1; daemon off; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 4096; }}
http {{ log_format t '$msec $uri $http_x_message_id'; access_log {log} t buffer=256k flush=100ms;
  client_body_temp_path {work}; proxy_temp_path {work}; fastcgi_temp_path {work}; uwsgi_temp_path {work}; scgi_temp_path {work};
  server {{ listen 127.0.0.1:{port} backlog=4096; keepalive_requests 1000000; location / {{ return 200 "ok"; }} }} }}
""")
    process = subprocess.Popen(["nginx", "-c", os.path.join(work, "nginx.conf"), "-p", work], stderr=subprocess.DEVNULL)
    return process, f"http://127.0.0.1:{port}", log


def stop_nginx(process):
    process.terminate()  # the master stops its workers on SIGTERM (not on SIGKILL)
    process.wait()


def nginx_log(log):
    """The (time, path, message id) of every request logged so far."""
    try:
        with open(log) as f:
            return [tuple(line.split()) for line in f if len(line.split()) == 3]
    except FileNotFoundError:
        return []
