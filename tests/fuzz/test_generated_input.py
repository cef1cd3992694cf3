"""Generated bad input, at scale, against the real engine (docker_tls_cert: a temporary directory).

Every module gets argument sets that hypothesis generates - wrong types, empty and huge strings,
unicode, malformed ports / SANs / image references / sizes, conflicting options - and each result
must be a success or a failure with a ``msg``: never a traceback (run_module asserts that on every
run), never a half-written file, never a container the input did not ask for. The number of
argument sets tried is written to tests/output/fuzz-report.json and checked at the end.
"""

import decimal
import json
import os
import subprocess
import uuid

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tprov_testlib import REPO_ROOT, docker, run_module

IMAGE = 'tprov-test/busybox:latest'
PREFIX = 'tprov-fuzz-%s' % uuid.uuid4().hex[:6]
EXAMPLES = int(os.environ.get('TPROV_FUZZ_EXAMPLES_SCALE', '100')) / 100.0
TRIED = {}
REPORT = os.path.join(REPO_ROOT, 'tests', 'output', 'fuzz-report.json')


def budget(count):
    # derandomize: the same argument sets every run, so a CI run is reproducible (the generator
    # still covers wrong types, sizes, unicode and conflicts); TPROV_FUZZ_RANDOM=1 explores anew.
    return settings(max_examples=max(1, int(count * EXAMPLES)), deadline=None, database=None,
                    derandomize=os.environ.get('TPROV_FUZZ_RANDOM') != '1',
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])


def tried(module):
    TRIED[module] = TRIED.get(module, 0) + 1


def not_infinite(text):
    """ansible-core's int check turns 'INF' and '-Infinity' into an OverflowError traceback of its
    own (see junk below); those strings are left out for the same reason as float infinities."""
    try:
        return not decimal.Decimal(text).is_infinite()
    except (decimal.InvalidOperation, ValueError, TypeError):
        return True


# Values of the wrong kind for any option.
odd_text = st.sampled_from(['\x00', '\u202e', 'é' * 300, '../../etc/passwd', '-1', '{{ lookup("x") }}'])
junk_text = st.one_of(st.text(max_size=40), st.just(''), st.text(min_size=2000, max_size=4000),
                      odd_text).filter(not_infinite)
# No infinities here: ansible-core's own int check (check_type_int) raises OverflowError on them before
# any module code runs, for every module with an int option; that is upstream's to fix. The float
# option (cpus) gets NaN and infinity on purpose below.
junk = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 63, 2 ** 63),
                 st.floats(allow_nan=False, allow_infinity=False), junk_text,
                 st.lists(st.one_of(junk_text, st.integers()), max_size=4),
                 st.dictionaries(st.text(max_size=8), st.one_of(junk_text, st.integers(), st.none()), max_size=3))


def maybe(good, bad_share=junk):
    """Mostly plausible values, sometimes anything."""
    return st.one_of(good, good, bad_share)


port_text = st.one_of(st.from_regex(r'\A(\[?[0-9a-f:.]{0,20}\]?:)?[0-9]{0,6}(-[0-9]{1,6})?(:[0-9]{0,6}(-[0-9]{1,6})?)?'
                                    r'(/(tcp|udp|sctp|icmp))?\Z'), junk_text)
size_text = st.one_of(st.from_regex(r'\A[0-9]{0,14}(\.[0-9]{0,3})?[bkmgtxBKMGT]?[bB]?\Z'), junk_text,
                      st.integers(-10, 2 ** 64))
image_ref = st.one_of(st.just(IMAGE), st.from_regex(r'\A[a-zA-Z0-9._/:@-]{0,80}\Z'), junk_text)


def leftover_containers():
    return docker('ps', '-a', '--format', '{{.Names}}', '--filter', 'name=%s' % PREFIX).stdout.split()


def remove(name):
    docker('rm', '-f', '-v', name, check=False)


@pytest.fixture(scope='module', autouse=True)
def report():
    yield
    os.makedirs(os.path.dirname(REPORT), exist_ok=True)
    with open(REPORT, 'w') as handle:
        json.dump({'tried': TRIED, 'total': sum(TRIED.values())}, handle, indent=2)


@pytest.fixture(scope='module')
def engine_image():
    if docker('image', 'inspect', IMAGE, check=False).returncode != 0:
        subprocess.run([os.path.join(REPO_ROOT, 'tests', 'testbed', 'build-busybox-image.sh'), IMAGE], check=True)
    return IMAGE


# Suboptions (healthcheck) are not typed by the argument spec: strings where counts go, NaN and infinity
# where durations go, as YAML gives them (retries: "abc", interval: .nan).
count_text = st.one_of(st.from_regex(r'\A[0-9]{1,3}\Z'), st.sampled_from(['abc', '3.5', '-1', '']))
duration = st.one_of(st.from_regex(r'\A([0-9]{1,3}(ms|s|m|h)){0,2}\Z'), st.text(max_size=6),
                     st.integers(-5, 10 ** 6), st.floats(-5, 10 ** 6),
                     st.sampled_from([float('nan'), float('inf'), float('-inf')]))
env_name_with_equals = st.from_regex(r'\A[A-Z_]{0,4}=[A-Z0-9=]{0,4}\Z')
# Shapes that once ended in a traceback or a container recreated on every run: tried on every run,
# whatever the generator draws.
KNOWN_SHAPES = [{'healthcheck': {'test': 'true', 'retries': 'abc'}},
                {'healthcheck': {'test': 'true', 'interval': float('nan')}},
                {'healthcheck': {'test': 5}},
                {'env': {'A=B': '1'}}]
env_value = st.one_of(st.text(max_size=10), st.integers(), st.booleans(), st.lists(st.integers()))
container_options = st.fixed_dictionaries({}, optional={
    'image': image_ref,
    'state': maybe(st.sampled_from(['present', 'started', 'stopped', 'absent'])),
    'pull': maybe(st.just('never')),
    'command': maybe(st.one_of(st.text(max_size=30), st.lists(st.text(max_size=10), max_size=3))),
    'entrypoint': maybe(st.lists(st.text(max_size=10), max_size=3)),
    'env': maybe(st.dictionaries(st.one_of(st.text(min_size=1, max_size=10), env_name_with_equals), env_value,
                                 max_size=3)),
    'labels': maybe(st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=3)),
    'hostname': maybe(st.text(max_size=70)),
    'user': maybe(st.text(max_size=20)),
    'working_dir': maybe(st.text(max_size=20)),
    'published_ports': maybe(st.lists(port_text, max_size=3)),
    'exposed_ports': maybe(st.lists(port_text, max_size=3)),
    'volumes': maybe(st.lists(st.from_regex(r'\A[/a-z:]{0,20}\Z'), max_size=2)),
    'mounts': maybe(st.lists(st.fixed_dictionaries({'target': st.text(max_size=10)}, optional={
        'type': st.sampled_from(['volume', 'bind', 'tmpfs', 'other']), 'source': st.text(max_size=10),
        'tmpfs_size': size_text}), max_size=2)),
    'tmpfs': maybe(st.lists(st.text(max_size=20), max_size=2)),
    'restart_policy': maybe(st.sampled_from(['no', 'always', 'on-failure', 'unless-stopped'])),
    'restart_retries': maybe(st.integers(-5, 10)),
    'network_mode': maybe(st.sampled_from(['bridge', 'none', 'host', 'default', 'container:nope', 'nonet'])),
    'networks': maybe(st.lists(st.fixed_dictionaries({'name': st.sampled_from(['bridge', 'nonet', ''])}, optional={
        'aliases': st.lists(st.text(max_size=8), max_size=2), 'ipv4_address': st.text(max_size=16)}), max_size=2)),
    'dns_servers': maybe(st.lists(st.text(max_size=16), max_size=2)),
    'etc_hosts': maybe(st.dictionaries(st.text(max_size=8), st.text(max_size=16), max_size=2)),
    'memory': maybe(size_text),
    'memory_reservation': maybe(size_text),
    'cpus': maybe(st.one_of(st.floats(-2, 64), st.sampled_from([float('inf'), float('-inf'), float('nan')]))),
    'cpu_shares': maybe(st.integers(-10, 10 ** 6)),
    'pids_limit': maybe(st.integers(-10, 10 ** 6)),
    'ulimits': maybe(st.lists(st.from_regex(r'\A[a-z]{0,8}(:[0-9-]{0,6}){0,3}\Z'), max_size=2)),
    'capabilities': maybe(st.lists(st.text(max_size=12), max_size=2)),
    'cap_drop': maybe(st.lists(st.sampled_from(['MKNOD', 'net_raw', 'NOPE', '', 'ALL', 'all']), max_size=2)),
    'security_opts': maybe(st.lists(st.text(max_size=20), max_size=2)),
    'healthcheck': maybe(st.fixed_dictionaries({}, optional={
        'test': st.one_of(st.text(max_size=10), st.lists(st.text(max_size=6), max_size=3), junk),
        'interval': duration, 'timeout': duration, 'start_period': duration,
        'retries': st.one_of(st.integers(-3, 5), count_text, junk)})),
    'log_driver': maybe(st.sampled_from(['json-file', 'none', 'nolog'])),
    'log_options': maybe(st.dictionaries(st.sampled_from(['max-size', 'bogus']),
                                         st.one_of(st.text(max_size=6), st.integers(), st.booleans()), max_size=2)),
    'stop_signal': maybe(st.text(max_size=10)),
    'stop_timeout': maybe(st.integers(-5, 100)),
    'comparisons': maybe(st.dictionaries(st.sampled_from(['*', 'env', 'nosuch', 'networks']),
                                         st.sampled_from(['strict', 'ignore', 'allow_more_present', 'loose']),
                                         max_size=2)),
    'cgroupns_mode': maybe(st.sampled_from(['private', 'host', 'shared'])),
    'auto_remove': maybe(st.booleans()),
    'command_handling': maybe(st.sampled_from(['correct', 'compatibility', 'other'])),
    'removal_wait_timeout': maybe(st.one_of(st.floats(-5, 100), st.sampled_from([float('nan'), float('inf')]))),
})


def with_known_shapes(arguments):
    """Each of KNOWN_SHAPES as an explicit example (arguments(shape) -> the test's keyword arguments)."""
    def decorate(test):
        for shape in KNOWN_SHAPES:
            test = example(**arguments(shape))(test)
        return test
    return decorate


@budget(300)
@given(options=container_options)
@with_known_shapes(lambda shape: {'options': shape})
def test_docker_api_container(engine_image, options):
    name = '%s-%s' % (PREFIX, uuid.uuid4().hex[:8])
    args = {'name': name, 'image': IMAGE, 'pull': 'never', 'state': 'present', 'force_kill': True}
    args.update(options)
    tried('docker_api_container')
    result = run_module('docker_api_container', args, timeout=120)
    names = leftover_containers()
    try:
        if result.failed:
            # Nothing half-made: a failed run leaves no container under its (fresh) name.
            assert name not in names, 'failed (%s) but left %s' % (result['msg'], name)
    finally:
        remove(name)
    assert [n for n in names if n != name] == [], names


@budget(100)
@given(entries=st.lists(container_options, max_size=3), prune=st.booleans())
@with_known_shapes(lambda shape: {'entries': [shape], 'prune': False})
def test_docker_api_containers(engine_image, entries, prune):
    names = ['%s-%s' % (PREFIX, uuid.uuid4().hex[:8]) for _entry in entries]
    containers = []
    for name, entry in zip(names, entries):
        spec = {'name': name, 'image': IMAGE, 'pull': 'never', 'state': 'present'}
        spec.update(entry)
        containers.append(spec)
    tried('docker_api_containers')
    result = run_module('docker_api_containers', {'containers': containers, 'prune': prune,
                                                  'managed_label_value': PREFIX}, timeout=180)
    left = leftover_containers()
    try:
        if result.failed and 'actions' not in result:
            # Refused while checking the entries, before the first request: nothing at all was made.
            assert left == [], (result['msg'], left)
        if result.failed:
            # A failure part-way names the entry it stopped at.
            assert result['msg'].startswith(('containers[', 'images[', 'prune')), result['msg']
    finally:
        for name in left:
            remove(name)


@budget(120)
@given(options=st.fixed_dictionaries({}, optional={
    'name': image_ref, 'tag': maybe(st.text(max_size=20)), 'state': maybe(st.sampled_from(['present', 'absent'])),
    'source': maybe(st.sampled_from(['pull', 'load'])), 'load_path': maybe(st.text(max_size=30)),
    'repository': maybe(image_ref), 'force': maybe(st.booleans()), 'platform': maybe(st.text(max_size=12)),
    'registry_username': maybe(st.text(max_size=8)), 'registry_password': maybe(st.text(max_size=8))}))
def test_docker_api_image(engine_image, options):
    args = dict(options)
    if args.get('state') == 'absent' or args.get('repository'):
        # Never remove or re-tag the images the other tests use: the same inputs on a name of our own.
        args['name'] = '%s/img' % PREFIX
        if args.get('repository'):
            args['repository'] = '%s/tagged' % PREFIX
    args.setdefault('name', IMAGE)
    tried('docker_api_image')
    run_module('docker_api_image', args, timeout=120)


connection = st.fixed_dictionaries({}, optional={
    'docker_host': maybe(st.sampled_from(['unix:///var/run/docker.sock', 'unix:///nonexistent.sock', 'unix://relative',
                                          'tcp://127.0.0.1:1', 'http://127.0.0.1:1', 'ftp://x', 'tcp://',
                                          'https://127.0.0.1:1']), junk_text),
    'tls': maybe(st.booleans()), 'validate_certs': maybe(st.booleans()),
    'ca_path': maybe(st.sampled_from(['/nonexistent/ca.pem', '/etc/hostname'])),
    'client_cert': maybe(st.sampled_from(['/nonexistent/cert.pem', '/etc/hostname'])),
    'client_key': maybe(st.sampled_from(['/nonexistent/key.pem'])),
    'api_version': maybe(st.sampled_from(['auto', '1.41', '1.40', '9.99', 'x.y', ''])),
    'timeout': maybe(st.integers(-5, 3)),
})


@budget(120)
@given(options=connection, extra=st.fixed_dictionaries({}, optional={
    'containers': maybe(st.booleans()), 'containers_filters': maybe(st.dictionaries(st.text(max_size=6), junk)),
    'images': maybe(st.booleans()), 'images_filters': maybe(st.dictionaries(st.text(max_size=6), junk))}))
def test_docker_api_info(engine_image, options, extra):
    args = dict(options, **extra)
    args.setdefault('timeout', 3)
    tried('docker_api_info')
    run_module('docker_api_info', args, timeout=60)


@budget(100)
@given(options=st.fixed_dictionaries({}, optional={
    'name': maybe(st.one_of(image_ref, st.lists(image_ref, max_size=3))), 'filters': maybe(st.dictionaries(
        st.sampled_from(['dangling', 'label', 'reference', 'bogus']), junk, max_size=2)),
    'search': maybe(st.text(max_size=12))}))
def test_docker_api_image_info(engine_image, options):
    tried('docker_api_image_info')
    run_module('docker_api_image_info', options, timeout=60)


@budget(100)
@given(options=st.fixed_dictionaries({}, optional={
    'name': maybe(st.text(max_size=30)), 'all': maybe(st.booleans()),
    'filters': maybe(st.dictionaries(st.sampled_from(['status', 'label', 'name', 'bogus']), junk, max_size=2))}))
def test_docker_api_container_info(engine_image, options):
    tried('docker_api_container_info')
    run_module('docker_api_container_info', options, timeout=60)


def _pem_files_whole(directory):
    """Every file is a whole PEM object (or absent); no staging files are left."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    for root, _dirs, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            assert not name.endswith('.tmp'), 'staging file left: %s' % path
            data = open(path, 'rb').read()
            if b'PRIVATE KEY' in data:
                if b'ENCRYPTED' not in data:
                    serialization.load_pem_private_key(data, None)
            else:
                x509.load_pem_x509_certificate(data)


@budget(160)
@given(kind=maybe(st.sampled_from(['ca', 'server', 'client'])), options=st.fixed_dictionaries({}, optional={
    'common_name': maybe(st.text(max_size=80)), 'organization': maybe(st.text(max_size=10)),
    'subject_alt_names': maybe(st.lists(st.one_of(st.from_regex(r'\A(IP|DNS|ip|URI)?:?[0-9a-z.:*-]{0,30}\Z'),
                                                  junk_text), max_size=3)),
    'key_type': maybe(st.sampled_from(['ecdsa', 'rsa', 'ed25519', 'dsa'])),
    'key_size': maybe(st.sampled_from([2048, 1024, 0])), 'curve': maybe(st.sampled_from(['P-256', 'secp521r1'])),
    'valid_days': maybe(st.integers(-10, 100000)), 'renew_before_days': maybe(st.integers(-10, 500)),
    'ca_passphrase': maybe(st.text(max_size=20)), 'force': maybe(st.booleans()),
    'key_mode': maybe(st.sampled_from(['0600', '0640', '9999', 'u=rw', 'bogus']))}))
def test_docker_tls_cert(tmp_path_factory, kind, options):
    directory = str(tmp_path_factory.mktemp('fuzzpki'))
    ca = run_module('docker_tls_cert', {'kind': 'ca', 'dir': directory})
    assert not ca.failed
    args = dict(options, kind=kind, dir=directory)
    if kind == 'server' and 'subject_alt_names' not in args:
        args['subject_alt_names'] = ['IP:127.0.0.1']
    if kind == 'client' and 'common_name' not in args:
        args['common_name'] = 'fuzz'
    if kind == 'ca':
        args['dir'] = os.path.join(directory, 'ca2')
        os.makedirs(args['dir'])
    tried('docker_tls_cert')
    run_module('docker_tls_cert', args, timeout=120)
    _pem_files_whole(directory)


@budget(60)
@given(servers=maybe(st.lists(st.fixed_dictionaries({'name': st.text(max_size=12)}, optional={
    'subject_alt_names': st.lists(st.one_of(st.from_regex(r'\A(IP|DNS):[0-9a-z.:-]{0,20}\Z'), junk_text), max_size=3),
    'common_name': st.text(max_size=70)}), max_size=3)),
    clients=maybe(st.lists(st.fixed_dictionaries({'name': st.text(max_size=12)}), max_size=3)),
    key_type=maybe(st.sampled_from(['ecdsa', 'ed25519'])))
def test_docker_tls_pki(tmp_path_factory, servers, clients, key_type):
    directory = str(tmp_path_factory.mktemp('fuzzpki')) + '/pki'
    tried('docker_tls_pki')
    run_module('docker_tls_pki', {'dir': directory, 'servers': servers, 'clients': clients, 'key_type': key_type},
               timeout=120)
    if os.path.isdir(directory):
        _pem_files_whole(directory)


@budget(80)
@given(files=maybe(st.lists(st.fixed_dictionaries({'name': st.one_of(st.sampled_from(['ca.pem', 'key.pem', 'a.env']),
                                                                     junk_text)}, optional={
    'content': st.one_of(st.sampled_from(['-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----\n',
                                          '-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n']), junk),
    'src': maybe(junk_text), 'mode': st.one_of(st.sampled_from(['0600', '0400', '0644', '0777']), junk)}),
    max_size=4)),
    options=st.fixed_dictionaries({}, optional={
        'dir_mode': st.one_of(st.sampled_from(['0700', '0755']), junk), 'owner': maybe(st.sampled_from(
            ['root', '0', 'tprov-no-such-user'])), 'group': maybe(junk_text), 'backup': maybe(st.booleans())}),
    subdir=st.sampled_from(['tls', 'missing/tls', '']))
def test_docker_tls_files(tmp_path_factory, files, options, subdir):
    base = str(tmp_path_factory.mktemp('fuzzfiles'))
    dest = os.path.join(base, subdir) if subdir else 'relative/dir'
    tried('docker_tls_files')
    result = run_module('docker_tls_files', dict(options, dest=dest, files=files))
    for root, _dirs, names in os.walk(base):
        for name in names:
            path = os.path.join(root, name)
            assert not name.endswith('.tmp'), 'staging file left: %s' % path
            if b'PRIVATE KEY-----' in open(path, 'rb').read():
                assert os.stat(path).st_mode & 0o077 == 0, 'a key readable by others: %s' % path
    if result.failed:
        # Refused before writing: nothing of the request exists.
        assert not any(names for _root, _dirs, names in os.walk(base)), result['msg']


def test_enough_inputs_were_tried():
    """At least 1,000 generated argument sets over the modules (at the default scale)."""
    total = sum(TRIED.values())
    if EXAMPLES >= 1:
        assert total >= 1000, TRIED
    assert set(TRIED) >= {'docker_api_info', 'docker_api_image', 'docker_api_image_info', 'docker_api_container',
                          'docker_api_container_info', 'docker_tls_cert'}, TRIED
