"""Celery side of Warren's benchmark: the same workload (run /bin/true per task) on Celery 5,
against the same RabbitMQ, with two workers of concurrency 2 like Warren's two 2-CPU workers.

Configurations:
  rpc   -- reliable, with the fastest result backend: task_acks_late=True,
           worker_prefetch_multiplier=1, results sent back over the broker (rpc://), prefork pool.
  redis -- the same with results in Redis (127.0.0.1:6379), prefork pool.
  farm  -- the same with results in SQLite through SQLAlchemy (like Warren's default database).
  fast  -- Celery's fastest: early acks, default prefetch, no result backend, thread pool (loses
           tasks when a worker dies).

Prints one JSON line with the figures. Run by `warren-bench`; usable alone:
  python celery_bench.py --mode throughput --config farm --tasks 2000
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid

from celery import Celery

CONFIG = os.environ.get("WARREN_BENCH_CELERY_CONFIG", "farm")
AMQP_URL = os.environ.get("WARREN_BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
QUEUE = os.environ.get("WARREN_BENCH_QUEUE", "warren-bench-celery")
WORKDIR = os.environ.get("WARREN_BENCH_WORKDIR", tempfile.gettempdir())
MARKER = os.path.join(WORKDIR, "done.marker")
STARTS = os.path.join(WORKDIR, "starts.log")

app = Celery("celery_bench", broker=AMQP_URL)
app.conf.update(
    task_default_queue=QUEUE,
    task_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    worker_send_task_events=False,
)
BACKENDS = {
    "farm": "db+sqlite:///" + os.path.join(WORKDIR, "results.db"),
    "rpc": "rpc://",
    "redis": os.environ.get("WARREN_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
}
if CONFIG in BACKENDS:
    app.conf.update(
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        result_backend=BACKENDS[CONFIG],
        task_ignore_result=False,
    )
else:
    app.conf.update(task_acks_late=False, task_ignore_result=True, result_backend=None)


@app.task(name="warren_bench.run")
def run(argv):
    """The benchmark task: run argv, then mark one completion."""
    subprocess.run(argv, check=False)
    with open(MARKER, "ab") as marker:
        marker.write(b".")
    return 0


@app.task(name="warren_bench.start")
def start():
    """The latency task: record when it started, then run /bin/true."""
    with open(STARTS, "a") as starts:
        starts.write(f"{time.time()}\n")
    subprocess.run(["/bin/true"], check=False)
    return 0


def marker_count():
    try:
        return os.path.getsize(MARKER)
    except FileNotFoundError:
        return 0


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while not predicate():
        if time.time() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.002)


def start_workers(env):
    pool = ["--pool", "prefork"] if CONFIG in BACKENDS else ["--pool", "threads"]
    workers = []
    for worker_idx in range(2):
        command = [
            sys.executable, "-m", "celery", "-A", "celery_bench", "worker", "-Q", QUEUE, "-c", "2", *pool,
            "-n", f"bench{worker_idx}-{uuid.uuid4().hex[:6]}@{socket.gethostname()}",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning",
        ]
        workers.append(subprocess.Popen(command, env=env, cwd=os.path.dirname(os.path.abspath(__file__)),
                                        stdout=subprocess.DEVNULL, stderr=open(os.path.join(WORKDIR, f"worker{worker_idx}.log"), "w")))
    return workers


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["throughput", "latency"], required=True)
    parser.add_argument("--config", choices=["rpc", "redis", "farm", "fast"], required=True)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672//")
    args = parser.parse_args()

    # Re-exec with the configuration in the environment, so this process and its workers share it.
    if os.environ.get("WARREN_BENCH_WORKDIR") is None:
        workdir = tempfile.mkdtemp(prefix="warren-bench-celery-")
        env = dict(os.environ)
        env.update({
            "WARREN_BENCH_CELERY_CONFIG": args.config,
            "WARREN_BENCH_AMQP_URL": args.amqp_url,
            "WARREN_BENCH_QUEUE": f"warren-bench-celery-{uuid.uuid4().hex[:8]}",
            "WARREN_BENCH_WORKDIR": workdir,
        })
        completed = subprocess.run([sys.executable, *sys.argv], env=env)
        shutil.rmtree(workdir, ignore_errors=True)
        sys.exit(completed.returncode)
    env = dict(os.environ)

    workers = start_workers(env)
    try:
        warmup = 20
        for _ in range(warmup):
            run.apply_async(args=[["/bin/true"]])
        wait_for(lambda: marker_count() >= warmup, 120, "the workers to start")
        if args.mode == "throughput":
            os.remove(MARKER)
            # Tells warren-bench to read every process's CPU time: the measured window starts.
            print(json.dumps({"phase": "measuring"}), flush=True)
            started = time.time()
            for _ in range(args.tasks):
                run.apply_async(args=[["/bin/true"]])
            submitted = time.time()
            wait_for(lambda: marker_count() >= args.tasks, 3600, "the tasks to finish")
            seconds = time.time() - started
            print(json.dumps({"tasks": args.tasks, "seconds": seconds, "submit_seconds": submitted - started,
                              "tasks_per_s": args.tasks / seconds, "config": args.config}), flush=True)
        else:
            latencies = []
            for job_idx in range(args.tasks):
                sent = time.time()
                start.apply_async()
                wait_for(lambda: os.path.exists(STARTS) and sum(1 for _ in open(STARTS)) > job_idx, 60, "a task to start")
                with open(STARTS) as starts:
                    started = float(starts.read().splitlines()[job_idx])
                latencies.append((started - sent) * 1000.0)
                time.sleep(0.005)
            latencies.sort()
            print(json.dumps({"p50_ms": latencies[len(latencies) // 2],
                              "p99_ms": latencies[min(len(latencies) - 1, int(round((len(latencies) - 1) * 0.99)))],
                              "max_ms": latencies[-1], "config": args.config}))
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        with app.connection_for_write() as connection:
            try:
                connection.default_channel.queue_delete(QUEUE)
            except Exception:  # noqa: BLE001 - best-effort clean-up of the benchmark's own queue
                pass


if __name__ == "__main__":
    main()
