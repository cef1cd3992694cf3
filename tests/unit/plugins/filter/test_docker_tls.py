"""docker_tls filters: backup names are parsed with file_transaction's one scheme."""

from ansible_collections.tprov.docker.plugins.filter.docker_tls import docker_backup_restore_entries


def test_backups_made_in_the_same_second_are_restore_entries_too():
    # The second backup of a file in one second is NAME.STAMP-1.tprov-backup; the oldest left is taken.
    found = ['/etc/docker/tls/server-key.pem.20261128T101500-2.tprov-backup',
             '/etc/docker/tls/server-key.pem.20261128T101500-1.tprov-backup',
             '/etc/docker/tls/server-cert.pem.20261128T101500-1.tprov-backup']
    assert docker_backup_restore_entries(found) == [
        {'path': '/etc/docker/tls/server-cert.pem',
         'backup': '/etc/docker/tls/server-cert.pem.20261128T101500-1.tprov-backup'},
        {'path': '/etc/docker/tls/server-key.pem',
         'backup': '/etc/docker/tls/server-key.pem.20261128T101500-1.tprov-backup'}]
    first = '/etc/docker/tls/ca.pem.20261128T101500.tprov-backup'
    assert docker_backup_restore_entries([first.replace('00.tprov', '00-1.tprov'), first]) == [
        {'path': '/etc/docker/tls/ca.pem', 'backup': first}]
