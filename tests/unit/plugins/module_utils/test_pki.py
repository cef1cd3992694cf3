"""The CA rollover's state machine (pki.plan_rollover, pki.record_host_done), without files."""

from ansible_collections.tprov.docker.plugins.module_utils.pki import plan_rollover, record_host_done, valid_record

HOSTS = ['docker1', 'docker2']


def test_nothing_to_do_without_a_trigger():
    plan = plan_rollover(None, [], False, HOSTS)
    assert plan['record'] is None and plan['phase'] == 'none' and not plan['start'] and plan['pending'] == []


def test_a_revoked_client_starts_trust_both_for_every_host():
    plan = plan_rollover(None, ['alice'], False, HOSTS)
    assert plan['start'] and plan['phase'] == 'trust-both' and plan['pending'] == HOSTS
    assert plan['reasons'] == ['ca_rollover', 'client_revoked']
    assert plan['record'] == {'phase': 'trust-both', 'revoked': ['alice'], 'reasons': ['ca_rollover', 'client_revoked'],
                              'hosts': HOSTS, 'done': []}
    assert not plan['reissue_clients'] and not plan['finish']


def test_a_planned_rollover_revokes_nobody():
    plan = plan_rollover(None, [], True, HOSTS)
    assert plan['start'] and plan['reasons'] == ['ca_rollover'] and plan['record']['revoked'] == []


def test_trust_both_waits_for_every_host_then_reissues_and_drops_the_old_ca():
    record = plan_rollover(None, ['alice'], False, HOSTS)['record']
    record = record_host_done(record, 'trust-both', 'docker1')
    waiting = plan_rollover(record, ['alice'], False, HOSTS)
    assert waiting['phase'] == 'trust-both' and waiting['pending'] == ['docker2'] and not waiting['reissue_clients']
    record = record_host_done(record, 'trust-both', 'docker2')
    drop = plan_rollover(record, ['alice'], False, HOSTS)
    assert drop['reissue_clients'] and drop['phase'] == 'drop-old' and drop['pending'] == HOSTS
    assert drop['record']['done'] == []
    record = record_host_done(drop['record'], 'drop-old', 'docker2')
    assert plan_rollover(record, [], False, HOSTS)['pending'] == ['docker1']
    record = record_host_done(record, 'drop-old', 'docker1')
    done = plan_rollover(record, [], False, HOSTS)
    assert done['finish'] and done['record'] is None and done['phase'] == 'none'
    assert done['finished_record']['revoked'] == ['alice']


def test_a_host_in_the_rollover_but_not_in_this_run_holds_it_back_until_its_directory_is_gone():
    record = plan_rollover(None, [], True, HOSTS)['record']
    record = record_host_done(record, 'trust-both', 'docker1')
    limited = plan_rollover(record, [], False, ['docker1'], known_hosts=['docker2'])
    assert limited['phase'] == 'trust-both' and limited['pending'] == ['docker2']
    decommissioned = plan_rollover(record, [], False, ['docker1'], known_hosts=[])
    assert decommissioned['phase'] == 'drop-old' and decommissioned['reissue_clients']


def test_a_rollover_started_under_limit_records_every_host_on_disk():
    plan = plan_rollover(None, ['alice'], False, ['docker1'], known_hosts=HOSTS)
    assert plan['record']['hosts'] == HOSTS and plan['pending'] == HOSTS
    record = record_host_done(plan['record'], 'trust-both', 'docker1')
    held = plan_rollover(record, ['alice'], False, ['docker1'], known_hosts=HOSTS)
    assert held['phase'] == 'trust-both' and held['pending'] == ['docker2'] and not held['reissue_clients']


def test_a_client_revoked_during_trust_both_joins_the_rollover_in_progress():
    record = plan_rollover(None, [], True, HOSTS)['record']
    joined = plan_rollover(record, ['bob'], False, HOSTS)
    assert not joined['start'] and joined['record']['revoked'] == ['bob']
    assert joined['reasons'] == ['ca_rollover', 'client_revoked']


def test_a_report_for_another_phase_is_not_recorded():
    record = plan_rollover(None, [], True, HOSTS)['record']
    assert record_host_done(record, 'drop-old', 'docker1') is None
    assert record_host_done(None, 'trust-both', 'docker1') is None
    assert record_host_done(record_host_done(record, 'trust-both', 'docker1'), 'trust-both', 'docker1')['done'] == \
        ['docker1']


def test_a_client_revoked_in_drop_old_gets_a_rollover_of_its_own_as_this_one_finishes():
    record = plan_rollover(None, ['alice'], False, HOSTS)['record']
    record = record_host_done(record_host_done(record, 'trust-both', 'docker1'), 'trust-both', 'docker2')
    record = plan_rollover(record, ['alice'], False, HOSTS)['record']
    # bob's certificate was re-issued by the new CA when drop-old began: dropping the old CA leaves it valid.
    waiting = plan_rollover(record, ['alice', 'bob'], False, HOSTS)
    assert waiting['record']['revoked'] == ['alice'] and waiting['revoked_next'] == ['bob'] and not waiting['chain']
    record = record_host_done(record_host_done(record, 'drop-old', 'docker1'), 'drop-old', 'docker2')
    done = plan_rollover(record, ['alice', 'bob'], False, HOSTS)
    assert done['finish'] and done['finished_record']['revoked'] == ['alice']
    assert done['chain'] == {'phase': 'trust-both', 'revoked': ['bob'], 'reasons': ['ca_rollover', 'client_revoked'],
                             'hosts': HOSTS, 'done': []}


def test_only_a_record_plan_rollover_writes_is_valid():
    for record in (plan_rollover(None, ['alice'], False, HOSTS)['record'], {'phase': 'drop-old'}):
        assert valid_record(record)
    for record in (['x'], None, {'phase': 'done'}, {'phase': 'trust-both', 'done': 5},
                   {'phase': 'drop-old', 'hosts': 'docker1'}, {'phase': 'drop-old', 'reasons': [1]},
                   {'phase': 'drop-old', 'revoked': ['../../victim']}, {'phase': 'trust-both', 'hosts': ['']}):
        assert not valid_record(record), record


def test_a_revoked_client_listed_again_is_rekeyed_once_and_leaves_the_revoked_list():
    record = plan_rollover(None, ['alice', 'bob'], False, HOSTS)['record']
    back = plan_rollover(record, ['bob'], False, HOSTS, present=['admin', 'alice'])
    assert back['rekey'] == ['alice'] and back['record']['revoked'] == ['bob']
    assert plan_rollover(back['record'], ['bob'], False, HOSTS, present=['admin', 'alice'])['rekey'] == []
