"""bench/files_probe.py: the measuring side of bench/files.sh. Each command prints one JSON object.

  make-pdf PATH                  a valid one-page PDF of just under 10 MiB: the page shows one uncompressed RGB image of
                                 seeded random bytes (reachable, so cleaning keeps it), plus an Info dictionary to strip
  make-jpeg PATH                 a 12 MP (4032 x 3024) JPEG "photo" just under 10 MiB: a gradient under strong sensor-like
                                 noise (a plain 12 MP photo is 3-5 MB; the noise is what makes it this large)
  cp FILE DIR COUNT              the floor on disk: `cp FILE DIR/copy-i` COUNT times, then the same with `sync DIR/copy-i`
                                 (fsync of the copy) after each cp, as the app's disk store flushes every object
  s3 URL BUCKET FILE COUNT       the floor on S3: boto3 put_object / get_object of FILE's bytes COUNT times each
  app BASE TOKEN PIDS PDF JPEG COUNT JPEG_COUNT BURST
                                 through the app's API: a client, warm-up, the memory burst (BURST uploads at once while
                                 the app's VmRSS is sampled every 50 ms), COUNT sequential PDF uploads, COUNT downloads,
                                 JPEG_COUNT sequential JPEG uploads (after one more, a warm-up). PIDS: name=pid,... whose CPU ticks are read per phase
                                 (the first is the app, whose RSS is sampled).
Latencies are wall clock around one request (send to last byte read) on one keep-alive connection, one at a time.
"""
import hashlib
import http.client
import io
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse

MAX_UPLOAD = 10 * 1024 * 1024
TICKS = os.sysconf("SC_CLK_TCK")


def stats(latencies, size):
    """p50/p95 (linear interpolation between ranks), and MB/s (10^6 bytes) over the whole sequential series."""
    s = sorted(latencies)

    def pct(q):
        i = (len(s) - 1) * q
        lo, hi = int(i), min(int(i) + 1, len(s) - 1)
        return s[lo] + (s[hi] - s[lo]) * (i - lo)

    return {
        "count": len(s), "bytes": size,
        "p50_ms": pct(0.50) * 1000, "p95_ms": pct(0.95) * 1000, "min_ms": s[0] * 1000, "max_ms": s[-1] * 1000,
        "mb_per_s": size * len(s) / sum(s) / 1e6,
    }


def ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15 of the whole line)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


# ---------------------------------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------------------------------

def make_pdf(path):
    width = 1800
    height = (MAX_UPLOAD - 4096) // (width * 3)
    pixels = random.Random(9).randbytes(width * height * 3)
    content = b"q 612 0 0 792 0 0 cm /Im1 Do Q\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length %d >>\nstream\n"
        % (width, height, len(pixels)) + pixels + b"\nendstream",
        b"<< /Title (Bench referral letter) /Author (PazPaz bench) /Producer (files_probe.py) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    data = out.getvalue()
    assert len(data) <= MAX_UPLOAD, len(data)
    with open(path, "wb") as f:
        f.write(data)
    return {"path": path, "bytes": len(data), "image": f"{width}x{height}"}


def make_jpeg(path):
    from PIL import Image  # Debian's python3-pil
    width, height = 4032, 3024
    base = Image.radial_gradient("L").resize((width, height)).convert("RGB")
    noise = Image.merge("RGB", [Image.effect_noise((width, height), 64) for _ in range(3)])
    image = Image.blend(base, noise, 0.5)
    for quality in range(95, 60, -1):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        data = buffer.getvalue()
        if len(data) <= MAX_UPLOAD - 64 * 1024:
            with open(path, "wb") as f:
                f.write(data)
            return {"path": path, "bytes": len(data), "image": f"{width}x{height}", "quality": quality}
    raise SystemExit("could not make a JPEG under the limit")


# ---------------------------------------------------------------------------------------------------------------------
# Floors
# ---------------------------------------------------------------------------------------------------------------------

def floor_cp(source, folder, count):
    size = os.path.getsize(source)
    os.makedirs(folder, exist_ok=True)
    result = {}
    for name, sync in (("cp", False), ("cp_fsync", True)):
        latencies = []
        for i in range(count + 2):
            target = os.path.join(folder, f"copy-{i}")
            start = time.perf_counter()
            subprocess.run(["cp", source, target], check=True)
            if sync:
                subprocess.run(["sync", target], check=True)
            elapsed = time.perf_counter() - start
            if i >= 2:  # two warm-ups
                latencies.append(elapsed)
        for i in range(count + 2):
            os.remove(os.path.join(folder, f"copy-{i}"))
        result[name] = stats(latencies, size)
    return result


def floor_s3(endpoint, bucket, source, count):
    import boto3  # Debian's python3-boto3
    from botocore.config import Config
    options = {"signature_version": "s3v4", "s3": {"addressing_style": "path"}, "retries": {"max_attempts": 1}}
    try:  # newer botocore adds CRC trailers (aws-chunked), which s3rver would store as the object
        config = Config(request_checksum_calculation="when_required", response_checksum_validation="when_required", **options)
    except TypeError:
        config = Config(**options)
    s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER",
                      region_name="us-east-1", config=config)
    with open(source, "rb") as f:
        data = f.read()
    digest = hashlib.sha256(data).hexdigest()
    puts, gets = [], []
    for i in range(count + 2):
        start = time.perf_counter()
        s3.put_object(Bucket=bucket, Key=f"floor/{i}", Body=data, ContentType="application/octet-stream")
        elapsed = time.perf_counter() - start
        if i >= 2:
            puts.append(elapsed)
    for i in range(count + 2):
        start = time.perf_counter()
        body = s3.get_object(Bucket=bucket, Key=f"floor/{i}")["Body"].read()
        elapsed = time.perf_counter() - start
        if hashlib.sha256(body).hexdigest() != digest:
            raise SystemExit(f"s3 floor: object floor/{i} came back different ({len(body)} bytes)")
        if i >= 2:
            gets.append(elapsed)
    for i in range(count + 2):
        s3.delete_object(Bucket=bucket, Key=f"floor/{i}")
    import botocore
    return {"put": stats(puts, len(data)), "get": stats(gets, len(data)), "client": f"boto3 {boto3.__version__} (botocore {botocore.__version__})"}


# ---------------------------------------------------------------------------------------------------------------------
# The app
# ---------------------------------------------------------------------------------------------------------------------

class Api:
    def __init__(self, base, token):
        url = urllib.parse.urlsplit(base)
        self.host, self.port, self.token = url.hostname, url.port, token
        self.connection = self.connect()

    def connect(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=120)

    def request(self, method, path, body=None, headers=None, connection=None):
        connection = connection or self.connection
        all_headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        connection.request(method, path, body, all_headers)
        response = connection.getresponse()
        received = 0
        chunks = []
        while True:
            chunk = response.read(1 << 20)
            if not chunk:
                break
            received += len(chunk)
            if len(chunks) < 1 or received < 65536:
                chunks.append(chunk)
        return response.status, b"".join(chunks), received

    def json(self, method, path, body):
        status, data, _ = self.request(method, path, json.dumps(body), {"Content-Type": "application/json"})
        if status >= 300:
            raise SystemExit(f"{method} {path}: {status} {data[:300]!r}")
        return json.loads(data)


def multipart(path, name):
    boundary = "----pazpaz-bench-" + hashlib.sha256(path.encode()).hexdigest()[:24]
    with open(path, "rb") as f:
        data = f.read()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}", len(data)


def upload(api, client, body, content_type, connection=None):
    start = time.perf_counter()
    status, data, _ = api.request("POST", f"/api/v1/clients/{client}/attachments", body, {"Content-Type": content_type}, connection)
    elapsed = time.perf_counter() - start
    if status != 201:
        raise SystemExit(f"upload: HTTP {status} {data[:400]!r}")
    return elapsed, json.loads(data)


def download(api, client, attachment):
    start = time.perf_counter()
    status, data, received = api.request("GET", f"/api/v1/clients/{client}/attachments/{attachment['id']}/content")
    elapsed = time.perf_counter() - start
    if status != 200 or received != attachment["size_bytes"]:
        raise SystemExit(f"download: HTTP {status}, {received} bytes of {attachment['size_bytes']} {data[:200]!r}")
    return elapsed


class Cpu:
    def __init__(self, pids):
        self.pids = pids

    def now(self):
        return {name: ticks(pid) for name, pid in self.pids.items()}

    def per_op(self, before, count):
        after = self.now()
        return {name: (after[name] - before[name]) * 1000 / TICKS / count for name in self.pids}


def burst(api, client, body, content_type, count, pid):
    samples, stop = [], threading.Event()

    def sample():
        while not stop.is_set():
            samples.append((time.perf_counter(), rss_mb(pid)))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    time.sleep(1.0)
    started = time.perf_counter()
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def one(i):
        connection = api.connect()
        try:
            barrier.wait()
            results[i] = upload(api, client, body, content_type, connection)[0]
        except BaseException as e:  # SystemExit from upload() included
            errors.append(repr(e))
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ended = time.perf_counter()
    time.sleep(2.0)
    stop.set()
    sampler.join()
    before = [mb for t, mb in samples if t < started]
    during = [mb for t, mb in samples if started <= t <= ended + 2.0]
    after = [mb for t, mb in samples if t > ended + 1.5]
    peak = max(during)
    base = max(before)  # the highest of the second before: growth is not flattered by a dip
    return {
        "uploads": count, "errors": errors, "wall_s": ended - started, "samples": len(samples),
        "rss_before_mb": base, "rss_peak_mb": peak, "rss_growth_mb": peak - base, "rss_after_2s_mb": after[-1] if after else None,
        "slowest_ms": max(r for r in results if r is not None) * 1000 if any(r is not None for r in results) else None,
    }


def app(base, token, pids_arg, pdf, jpeg, count, jpeg_count, burst_count):
    pids = {name: int(pid) for name, pid in (item.split("=") for item in pids_arg.split(","))}
    app_pid = next(iter(pids.values()))
    cpu = Cpu(pids)
    api = Api(base, token)
    result = {"rss_start_mb": rss_mb(app_pid)}
    client = api.json("POST", "/api/v1/clients", {"first_name": "Files", "last_name": "Bench"})["id"]
    pdf_body, pdf_type, pdf_size = multipart(pdf, "referral.pdf")
    jpeg_body, jpeg_type, jpeg_size = multipart(jpeg, "photo.jpg")

    # Warm-up: JIT, connection pools, PDFsharp loaded. The JPEG's warm-up comes after the burst: decoding one 12 MP photo
    # alone grows the process by tens of MB, which would hide part of the burst's growth.
    warm = [upload(api, client, pdf_body, pdf_type)[1] for _ in range(2)]
    for attachment in warm:
        download(api, client, attachment)
    result["pdf_stored_bytes"] = warm[0]["size_bytes"]
    result["rss_warm_mb"] = rss_mb(app_pid)

    if burst_count > 0:
        before = cpu.now()
        result["burst"] = burst(api, client, pdf_body, pdf_type, burst_count, app_pid)
        result["burst"]["cpu_ms_per_upload"] = cpu.per_op(before, burst_count)

    latencies, stored = [], []
    before = cpu.now()
    for _ in range(count):
        elapsed, attachment = upload(api, client, pdf_body, pdf_type)
        latencies.append(elapsed)
        stored.append(attachment)
    result["pdf_upload"] = stats(latencies, pdf_size) | {"cpu_ms": cpu.per_op(before, count)}

    latencies = []
    before = cpu.now()
    for attachment in stored:
        latencies.append(download(api, client, attachment))
    result["pdf_download"] = stats(latencies, stored[0]["size_bytes"]) | {"cpu_ms": cpu.per_op(before, count)}

    result["rss_after_pdf_mb"] = rss_mb(app_pid)
    if jpeg_count > 0:
        upload(api, client, jpeg_body, jpeg_type)  # warm-up: SkiaSharp loaded
        latencies, sizes = [], []
        before = cpu.now()
        for _ in range(jpeg_count):
            elapsed, attachment = upload(api, client, jpeg_body, jpeg_type)
            latencies.append(elapsed)
            sizes.append(attachment["size_bytes"])
        result["jpeg_upload"] = stats(latencies, jpeg_size) | {"cpu_ms": cpu.per_op(before, jpeg_count), "stored_bytes": sizes[0]}
    result["rss_end_mb"] = rss_mb(app_pid)
    return result


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "make-pdf":
        out = make_pdf(args[0])
    elif command == "make-jpeg":
        out = make_jpeg(args[0])
    elif command == "cp":
        out = floor_cp(args[0], args[1], int(args[2]))
    elif command == "s3":
        out = floor_s3(args[0], args[1], args[2], int(args[3]))
    elif command == "app":
        out = app(args[0], args[1], args[2], args[3], args[4], int(args[5]), int(args[6]), int(args[7]))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
