"""Same seed, same rows, whichever executor: in-process, local worker processes, a real Dask cluster.

A Dask LocalCluster is started on 127.0.0.1 (worker processes, a scheduler listening on TCP); workers
are killed mid-run to check that their chunks are redone and the table is unchanged.
"""

import os
import signal

import pyarrow.parquet as pq
import pytest

from accord.errors import InputError
from accord.experiments import execute, plan_montecarlo, plan_tournament, read_results
from accord.experiments.executors import DaskExecutor, InProcess, LocalProcesses, WorkerFailure, make_executor

from .conftest import GENIUS, HANOI


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """A toy Monte Carlo run in this process: the rows every other executor must reproduce."""
    from .conftest import TOY

    d = tmp_path_factory.mktemp("ref")
    path = d / "toy.yaml"
    path.write_text(TOY)
    plan = plan_montecarlo(path, 120, seed=3, chunk_size=8)
    execute(plan, d / "run", InProcess())
    return plan, pq.read_table(d / "run" / "results.parquet")


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as c:
        yield c


def test_local_processes_give_the_same_rows(reference, tmp_path):
    plan, ref = reference
    with LocalProcesses(2) as ex:
        execute(plan, tmp_path / "p", ex)
    assert pq.read_table(tmp_path / "p" / "results.parquet").equals(ref)


def test_a_killed_worker_process_is_replaced_and_its_chunks_redone(reference, tmp_path):
    plan, ref = reference
    killed = []
    with LocalProcesses(2) as ex:

        def progress(table, done, total):
            if not killed and 0 < done < total and ex.pids():
                os.kill(ex.pids()[0], signal.SIGKILL)
                killed.append(done)

        execute(plan, tmp_path / "k", ex, progress=progress)
        assert killed and ex.restarts == 1
    assert pq.read_table(tmp_path / "k" / "results.parquet").equals(ref)


def test_workers_that_keep_dying_stop_the_run_and_keep_what_is_done(tmp_path):
    ex = LocalProcesses(1, max_restarts=1)
    with ex, pytest.raises(WorkerFailure, match="--resume"):
        list(ex.map(os._exit, [3, 3]))


def test_dask_cluster_gives_the_same_rows(reference, cluster, tmp_path):
    plan, ref = reference
    with DaskExecutor(cluster.scheduler_address) as ex:
        assert ex.workers == 2
        execute(plan, tmp_path / "d", ex)
    assert pq.read_table(tmp_path / "d" / "results.parquet").equals(ref)


def test_dask_cluster_gives_the_rows_of_a_local_run_of_hanoi(cluster, tmp_path):
    """The staged-talks path with the file's uncertain inputs: same rows on the cluster as here."""
    plan = plan_montecarlo(HANOI, 10, seed=21, variants=["base", "big_bargain"], chunk_size=4)
    execute(plan, tmp_path / "here", InProcess())
    with DaskExecutor(cluster.scheduler_address) as ex:
        execute(plan, tmp_path / "there", ex)
    assert read_results(tmp_path / "there").equals(read_results(tmp_path / "here"))


def test_dask_redoes_the_tasks_of_a_killed_worker(reference, cluster, tmp_path):
    plan, ref = reference
    with DaskExecutor(cluster.scheduler_address) as ex:
        pids = list(ex.client.run(os.getpid).values())
        killed = []

        def progress(table, done, total):
            if not killed and 0 < done < total:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(done)

        execute(plan, tmp_path / "dk", ex, progress=progress)
        assert killed
    assert pq.read_table(tmp_path / "dk" / "results.parquet").equals(ref)


def test_dask_tournament_on_genius_folders(cluster, tmp_path):
    plan = plan_tournament(
        [
            f"{GENIUS / 'Laptop'}@laptop_buyer_utility,laptop_seller_utility",
            f"{GENIUS / 'ItexvsCypress'}@ItexvsCypress_Itex,ItexvsCypress_Cypress",
        ],
        ["boulware", "conceder"],
        repetitions=2,
        seed=1,
    )
    execute(plan, tmp_path / "here")
    with DaskExecutor(cluster.scheduler_address) as ex:
        execute(plan, tmp_path / "there", ex)
    assert read_results(tmp_path / "there").equals(read_results(tmp_path / "here"))


def test_unreachable_scheduler_is_a_clear_input_error():
    with pytest.raises(InputError, match="reachable Dask scheduler"):
        make_executor(scheduler="tcp://127.0.0.1:9")
    with pytest.raises(InputError, match="tcp://HOST"):
        make_executor(scheduler="127.0.0.1:8786")
    with pytest.raises(InputError, match="positive"):
        make_executor(workers=0)
    assert isinstance(make_executor(workers=1), InProcess)
