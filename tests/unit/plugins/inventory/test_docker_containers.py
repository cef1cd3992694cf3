"""The inventory plugin's host variables from an inspect body, and the file names it reads."""

from ansible_collections.tprov.docker.plugins.inventory.docker_containers import InventoryModule, container_vars

INSPECT = {
    'Id': 'abc123', 'Name': '/web-1', 'Image': 'sha256:feed',
    'Config': {'Image': 'nginx:1.27', 'Labels': {'tier': 'web', 'app.version': '1.4'}},
    'State': {'Status': 'running', 'Running': True, 'Health': {'Status': 'healthy'}},
    'NetworkSettings': {'Networks': {
        'front': {'IPAddress': '172.20.0.5', 'GlobalIPv6Address': '', 'MacAddress': '02:42:ac:14:00:05',
                  'Aliases': ['web']},
        'back': {'IPAddress': '', 'GlobalIPv6Address': 'fd00::5', 'MacAddress': '', 'Aliases': None}}},
}


def test_container_vars_from_inspect():
    hostvars = container_vars(INSPECT, 'tcp://docker1:2376')
    assert hostvars == {
        'docker_id': 'abc123', 'docker_name': 'web-1', 'docker_image': 'nginx:1.27', 'docker_image_id': 'sha256:feed',
        'docker_labels': {'tier': 'web', 'app.version': '1.4'}, 'docker_state': 'running', 'docker_running': True,
        'docker_health': 'healthy',
        'docker_networks': {
            'back': {'ip': None, 'ipv6': 'fd00::5', 'mac': None, 'aliases': []},
            'front': {'ip': '172.20.0.5', 'ipv6': None, 'mac': '02:42:ac:14:00:05', 'aliases': ['web']}},
        'docker_ip': '172.20.0.5', 'docker_engine': 'tcp://docker1:2376',
    }


def test_container_vars_of_a_bare_container():
    hostvars = container_vars({'Id': 'x', 'Name': '/c', 'State': {'Status': 'exited'}}, 'unix:///var/run/docker.sock')
    assert hostvars['docker_health'] == 'none' and hostvars['docker_running'] is False
    assert hostvars['docker_labels'] == {} and hostvars['docker_networks'] == {} and hostvars['docker_ip'] is None


def test_only_files_named_for_the_plugin(tmp_path):
    plugin = InventoryModule()
    for name, wanted in (('prod.docker_containers.yml', True), ('docker_containers.yaml', True),
                         ('hosts.yml', False), ('docker_containers.json', False)):
        path = tmp_path / name
        path.write_text('plugin: tprov.docker.docker_containers\n')
        assert plugin.verify_file(str(path)) is wanted, name


def test_an_engine_named_by_a_context_gets_the_context_not_an_address():
    plugin = InventoryModule()
    params = {'docker_host': None, 'docker_context': 'tprov-docker1', 'ca_path': None, 'client_cert': None,
              'client_key': None, 'tls': None, 'validate_certs': None, 'tls_hostname': None, 'api_version': 'auto',
              'timeout': 10}
    assert plugin._connection_vars(params, 'tcp://docker1:2376') == {
        'ansible_connection': 'tprov.docker.docker_api', 'ansible_docker_context': 'tprov-docker1',
        'ansible_docker_timeout': 10}
    by_address = plugin._connection_vars(dict(params, docker_context=None), 'tcp://docker1:2376')
    assert by_address['ansible_docker_host'] == 'tcp://docker1:2376' and 'ansible_docker_context' not in by_address
