"""`briefing serve` for the bench: started on a free loopback port, and its live-reload stream read event by event."""
import re
import socket
import subprocess
import sys


def start(briefing, content, output, assets, templates, cwd):
    """Starts `briefing serve`; returns the process and the port it listens on."""
    server = subprocess.Popen([briefing, "serve", "--port", "0", "--content", content, "--assets", assets,
                               "--output", output, "--templates", templates],
                              cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in server.stdout:
        found = re.search(r"at http://127\.0\.0\.1:(\d+)/", line)
        if found:
            return server, int(found.group(1))
    sys.exit("briefing serve did not start")


class Events:
    """An open /__briefing/events stream; the first event (the status) is read on opening."""

    def __init__(self, port):
        self.connection = socket.create_connection(("127.0.0.1", port))
        self.connection.sendall(f"GET /__briefing/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
        self.stream = self.connection.makefile("rb")
        if self.next() != "status":
            sys.exit("no status event from briefing serve")

    def next(self):
        """The name of the next event."""
        name = None
        for raw in self.stream:
            line = raw.decode().rstrip("\r\n")
            if line.startswith("event: "):
                name = line[len("event: "):]
            elif line == "" and name:
                return name
        sys.exit("the live-reload stream ended")

    def until_reload(self, what):
        """Waits for the reload event; a build error ends the bench, saying `what` broke the build."""
        while (event := self.next()) != "reload":
            if event == "build-error":
                sys.exit(f"{what} broke the build")

    def close(self):
        self.connection.close()
