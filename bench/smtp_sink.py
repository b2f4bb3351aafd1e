"""A counting SMTP sink for bench/digests.sh: one line per message received (its envelope recipients), no message kept.

Run with Debian's aiosmtpd:  PYTHONPATH=bench /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.CountingSink FILE
"""


class CountingSink:
    def __init__(self, path):
        self.file = open(path, "a", buffering=1)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("CountingSink takes one argument: the file to append recipients to")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        self.file.write(" ".join(envelope.rcpt_tos) + "\n")
        return "250 OK"
