"""Network stand-ins for the tests: a port nobody listens on, and a server that accepts
connections and never answers (a hung PostgreSQL)."""

import socket
import threading


class SilentServer:
    """A TCP server that accepts connections and never sends a byte."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self):
        self.stopping = True
        self.sock.close()
        for conn in self.conns:
            conn.close()


def free_port() -> int:
    """A port on 127.0.0.1 that nobody listens on now: for a server to start on, or a connection to be refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
