"""benchmarks/compare.py's report: a run of some sections (--only) keeps the others' numbers."""

import os
import subprocess
import sys

import pytest

from tprov_testlib import REPO_ROOT

sys.path.insert(0, os.path.join(REPO_ROOT, 'benchmarks'))
import compare  # noqa: E402

MEDIANS = {'on': {'tprov.docker.docker_api': 9.6, 'community.docker.docker_api': 10.2},
           'off': {'tprov.docker.docker_api': 14.0, 'community.docker.docker_api': 15.8}}
FLEET = {1: {'first': 7.6, 'rerun': 5.3, 'floor': 1.06, 'first_cpu': 4.5, 'rerun_cpu': 3.04, 'floor_cpu': 0.9}}
NETVOL = {'count': 20, 'rows': {'community.docker': {'first': 21.0, 'rerun': 15.3},
                                'tprov.docker': {'first': 7.4, 'rerun': 1.0}}}
PKI = {'ECDSA P-256': dict((tool, {'first': 1.0, 'rerun': 0.5})
                           for tool in ('community.crypto', 'tprov.docker', 'tprov.docker (process)'))}


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setattr(compare, 'RESULTS', str(tmp_path))
    monkeypatch.setattr(compare, 'machine', lambda: 'the test machine')
    return tmp_path / 'comparison.md'


def test_a_partial_run_replaces_its_section_and_keeps_the_others(results):
    compare.write_report({'pki': compare.pki_section(PKI), 'fleet': compare.fleet_section(FLEET)}, 5)
    full = results.read_text()
    compare.write_report({'exec': compare.exec_section(MEDIANS, 20)}, 5)
    once = results.read_text()
    # Everything that was there is still there, unchanged, and the exec section sits between PKI and fleet.
    assert '## A section' not in full
    assert once.replace(once[once.index(compare.HEADINGS['exec']):once.index(compare.HEADINGS['fleet'])], '') == full
    assert '| pipelining on | 9.60 s | 10.20 s | 0.94 |' in once
    assert '(`benchmarks/run --only exec`)' in once
    # The next exec run replaces its section: one of it, the new numbers.
    compare.write_report({'exec': compare.exec_section(dict(MEDIANS, on=MEDIANS['off']), 20)}, 5)
    twice = results.read_text()
    assert twice.count(compare.HEADINGS['exec']) == 1 and twice.count(compare.HEADINGS['fleet']) == 1
    assert '| pipelining on | 14.00 s | 15.80 s | 0.89 |' in twice and '9.60 s' not in twice


def test_a_full_run_writes_every_section_under_a_new_header(results):
    results.write_text('# old\n\nRun long ago.\n\n## A section this script no longer makes\n\nkept\n')
    sections = {'containers': ['## Containers declared in inventory', '', 'c', ''],
                'netvol': compare.netvol_section(NETVOL),
                'pki': compare.pki_section(PKI), 'exec': compare.exec_section(MEDIANS, 20),
                'fleet': compare.fleet_section(FLEET)}
    compare.write_report(sections, 3)
    text = results.read_text()
    assert text.startswith('# tprov.docker vs community.docker / community.crypto\n\nRun ')
    assert 'on the test machine; median of 3, tools in alternation' in text and 'long ago' not in text
    assert '--only' not in text
    headings = [line for line in text.splitlines() if line.startswith('## ')]
    assert headings == [compare.HEADINGS[name] for name in compare.SECTIONS]


def test_the_fleet_and_netvol_rows_carry_their_ratios():
    assert '| 1 | 7.6 s | 7.6 s | 5.3 s | 5.3 s | 1.1 s | 5.00x | 7.17x | 4.5 / 3.0 / 0.9 s |' in compare.fleet_section(FLEET)


def test_with_cpu_counts_the_processes_the_run_waited_for():
    burn = [sys.executable, '-c', 'import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass']
    result, cpu = compare.with_cpu(subprocess.run, burn, check=True)
    assert result.returncode == 0 and 0.25 <= cpu < 3
    assert '| 21.00 s | 7.40 s | 0.35 | 15.30 s | 1.00 s | 0.065 |' in compare.netvol_section(NETVOL)
