"""A counting SMTP sink for bench/digests.sh and bench/drill-worker.sh: one line per message received (its envelope
recipients), no message kept. An optional pause (milliseconds) before the reply makes each message take that long.

Run with Debian's aiosmtpd:  PYTHONPATH=bench /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.CountingSink FILE [PAUSE_MS]
"""
import asyncio


class CountingSink:
    def __init__(self, path, pause_ms=0):
        self.file = open(path, "a", buffering=1)
        self.pause = pause_ms / 1000

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) not in (1, 2):
            parser.error("CountingSink takes the file to append recipients to, and optionally a pause in milliseconds")
        return cls(args[0], int(args[1]) if len(args) == 2 else 0)

    async def handle_DATA(self, server, session, envelope):
        # Counted once the whole message is here, before the reply: a client that dies during the pause never hears
        # "250" although the server has the message (the case a worker leaves in doubt).
        self.file.write(" ".join(envelope.rcpt_tos) + "\n")
        if self.pause:
            await asyncio.sleep(self.pause)
        return "250 OK"
