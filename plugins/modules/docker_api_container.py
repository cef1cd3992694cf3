#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: tprov.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_api_container
short_description: Create, update, start, stop and remove Docker containers through the Engine API
version_added: 0.1.0
description:
  - Converges one container to the options given, changing only what differs, and says why
    (RV(changes)).
  - Compares only the options that are set, against the container's inspect data normalised the way
    the engine normalises it (the image's defaults for environment and labels, port-binding shapes,
    memory units, the default network mode).
  - Restart policy, memory, CPU and PID limits change in place (C(POST /containers/{id}/update)); any
    other difference, or a new image id under the same name, recreates the container.
  - A recreate parks the old container as C(NAME-tprov-replaced-ID) until the new one is created and started,
    and puts it back when that fails. A container left parked by an interrupted run is settled on the next
    run - given its name back when the wanted one is missing (or was never started while the parked one
    runs), removed when the wanted one runs - and never pruned while it runs.
  - Options share their names, types and meaning with C(community.docker.docker_container), so a task
    moves over by changing the module name.
  - An idempotent run costs two Engine API requests after version negotiation (container and image inspect),
    and one list of parked containers.
extends_documentation_fragment:
  - tprov.docker.docker_api
attributes:
  check_mode:
    support: full
    description: Reports what would be created, updated, recreated, started, stopped or removed, and why.
  diff_mode:
    support: full
    description: Shows the compared options that differ, and the state, before and after.
options:
  name:
    description: The container's name.
    type: str
    required: true
  image:
    description:
      - The image reference (V(repo:tag), V(repo@sha256:...) or an image id). Required to create.
      - When the name it points at moves to another image id, the container is recreated.
    type: str
  pull:
    description:
      - V(missing) pulls the image only when it is not on the engine; V(always) pulls every run (following a
        moved tag); V(never) fails when it is missing.
    type: str
    choices: [missing, always, never]
    default: missing
  state:
    description:
      - V(present) the container exists (a new one is not started; a running one keeps running).
      - V(started) it exists and runs. V(stopped) it exists and does not run.
      - V(restarted) it exists and is restarted on every run. V(absent) it does not exist.
    type: str
    choices: [present, started, stopped, restarted, absent]
    default: started
  recreate:
    description: Recreate the container even when nothing differs.
    type: bool
    default: false
  restart:
    description: With O(state=started), restart a running container even when nothing differs.
    type: bool
    default: false
  force_kill:
    description: Kill the container instead of stopping it gracefully when stopping or removing it.
    type: bool
    default: false
    aliases: [forcekill]
  keep_volumes:
    description: Keep anonymous volumes when the container is removed or recreated.
    type: bool
    default: true
  comparisons:
    description:
      - How each option is compared. Keys are option names (or V(*) for all, or V(image)); values are
        V(strict), V(ignore) or V(allow_more_present).
      - The defaults are C(community.docker.docker_container)'s. Options whose value is a set or a
        dictionary allow more present (fewer entries than the container has is no change) - V(env), V(labels),
        V(published_ports), V(exposed_ports), V(volumes), V(mounts), V(tmpfs), V(networks), V(etc_hosts),
        V(ulimits), V(capabilities), V(cap_drop), V(security_opts), V(healthcheck), V(log_options); O(stop_timeout)
        is ignored; all else (plain values, lists whose order matters) is strict.
      - Set V(networks) to V(strict) to disconnect the container from every network not listed.
    type: dict
  wait:
    description:
      - After starting, wait until the container runs (still running a second after it is first seen
        running), or is healthy when it has a healthcheck. A container that exits instead fails the task
        with its exit code and the last lines of its log.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait with O(wait).
    type: int
    default: 60
  command_handling:
    description:
      - V(correct) keeps a list given as O(command) or O(entrypoint) as it is, and splits a string as a shell would.
      - V(compatibility) is C(community.docker.docker_container)'s behaviour before its 3.0.0 - a list is joined with
        spaces and split again (so V([sh, -c, sleep 5]) runs C(sh -c sleep 5)), and an empty O(command) or
        O(entrypoint) counts as not given. Kept for tasks written for it.
    type: str
    choices: [correct, compatibility]
    default: correct
  removal_wait_timeout:
    description:
      - When removing the container (O(state=absent), or to recreate it), seconds to wait at most until the engine
        has finished removing it; the task fails when it has not by then.
      - Without it, a container the engine is still removing (slow storage) is waited for however long it takes.
    type: float
  command:
    description: The command (C(Cmd)), a list or a string split as a shell would (see O(command_handling)).
    type: raw
  entrypoint:
    description: The entrypoint, a list (see O(command_handling)) or a string split as a shell would.
    type: list
    elements: str
  env:
    description:
      - Environment variables. Values must be strings - quote V("true"), V("1") - so YAML does not turn
        V(yes) into a boolean; a number or boolean fails the task, naming the variable.
      - In RV(changes) and the diff, each value is shown as a short digest keyed for the run
        (V(hidden (1a2b3c4d\))), so a changed C(DB_PASSWORD) shows which variable changed, not its old
        or new value. RV(container) holds the engine's inspect data, environment values included.
    type: dict
  labels:
    description: Labels.
    type: dict
  hostname:
    description: The container's host name.
    type: str
  domainname:
    description: The container's domain name.
    type: str
  user:
    description: The user (and group) the command runs as, V(name), V(uid) or V(uid:gid).
    type: str
  working_dir:
    description: The working directory (absolute).
    type: str
  published_ports:
    description:
      - Ports to publish, as C(docker run -p) takes them, V(8080:80), V(127.0.0.1:8080:80/tcp),
        V([::1]:53:53/udp), V(9000-9001:9000-9001), V(80) for a random host port, or V(9010-9050:9010) for
        the first free host port of the range.
    type: list
    elements: str
    aliases: [ports]
  exposed_ports:
    description: Ports to expose without publishing, V(80) or V(53/udp).
    type: list
    elements: str
    aliases: [exposed, expose]
  volumes:
    description: Bind mounts and named volumes as V(HOST_PATH_OR_VOLUME:CONTAINER_PATH[:ro]), or V(/path) for an anonymous volume.
    type: list
    elements: str
  mounts:
    description: Mounts in the structured form.
    type: list
    elements: dict
    suboptions:
      target:
        description: The path in the container.
        type: str
        required: true
      source:
        description: The volume name or host path.
        type: str
      type:
        description: The mount type.
        type: str
        choices: [volume, bind, tmpfs]
        default: volume
      read_only:
        description: Mount read-only.
        type: bool
        default: false
      tmpfs_size:
        description: Size of a tmpfs mount, e.g. V(64m).
        type: str
  tmpfs:
    description: tmpfs mounts as V(/path[:options]), e.g. V(/run:size=64m).
    type: list
    elements: str
  read_only:
    description: Mount the container's root filesystem read-only.
    type: bool
  restart_policy:
    description: The restart policy; changes in place.
    type: str
    choices: ['no', always, on-failure, unless-stopped]
  restart_retries:
    description: With O(restart_policy=on-failure), the most restarts.
    type: int
  network_mode:
    description: V(bridge), V(host), V(none), V(container:NAME) or a network name.
    type: str
  networks:
    description:
      - Networks to connect the container to, each with optional aliases and fixed addresses.
      - Without O(network_mode), the first network listed is the container's own (as
        C(docker run --network)); the others are connected after it is created.
      - Changes are made in place (connect, disconnect, or reconnect when aliases or addresses differ),
        never by recreating the container. See O(comparisons) for disconnecting networks not listed.
      - The networks must exist; a missing one fails the task before anything is changed.
    type: list
    elements: dict
    suboptions:
      name:
        description: The network's name (or id).
        type: str
        required: true
      aliases:
        description: Network-scoped aliases (user-defined networks only). Compared exactly when given.
        type: list
        elements: str
      ipv4_address:
        description: A fixed IPv4 address from the network's subnet.
        type: str
      ipv6_address:
        description: A fixed IPv6 address from the network's subnet.
        type: str
  dns_servers:
    description: DNS servers.
    type: list
    elements: str
  dns_search_domains:
    description: DNS search domains.
    type: list
    elements: str
  etc_hosts:
    description: Extra C(/etc/hosts) entries, host name to IP address.
    type: dict
  memory:
    description: Memory limit, e.g. V(512m) or V(1g); changes in place.
    type: str
  memory_reservation:
    description: Memory soft limit; changes in place.
    type: str
  cpus:
    description: CPUs the container may use, e.g. V(0.5); changes in place.
    type: float
  cpu_shares:
    description: Relative CPU weight; changes in place.
    type: int
  pids_limit:
    description: The most processes; changes in place.
    type: int
  ulimits:
    description: Limits as V(NAME:SOFT[:HARD]), e.g. V(nofile:1024:2048).
    type: list
    elements: str
  capabilities:
    description: Capabilities to add, e.g. V(NET_ADMIN), or V(ALL).
    type: list
    elements: str
  cap_drop:
    description: Capabilities to drop, e.g. V(ALL).
    type: list
    elements: str
  privileged:
    description: Run privileged (every capability, every device). Rarely right.
    type: bool
  security_opts:
    description:
      - Security options, e.g. V(no-new-privileges), V(seccomp=unconfined).
      - V(systempaths=unconfined) is taken as the docker CLI takes it (it is no engine option), so nothing is masked
        under C(/proc) and C(/proc/sys) is writable (empty C(MaskedPaths) and C(ReadonlyPaths)).
      - Options the container has beyond these are not a difference.
    type: list
    elements: str
  init:
    description: Run an init process as PID 1 that reaps zombies and forwards signals.
    type: bool
  tty:
    description: Allocate a pseudo-TTY.
    type: bool
  interactive:
    description: Keep standard input open.
    type: bool
  healthcheck:
    description:
      - The healthcheck, with C(test) (a list such as V([CMD, curl, -f, http://localhost/]), a shell string, or
        V(NONE)), and C(interval), C(timeout), C(start_period) (V(30s), V(1m30s)) and C(retries).
    type: dict
  log_driver:
    description: The logging driver, e.g. V(json-file) or V(journald).
    type: str
  log_options:
    description:
      - Options of O(log_driver), e.g. C(max-size). Values are strings; a number or boolean is converted to one, with
        a warning naming the option.
    type: dict
    aliases: [log_opt]
  stop_signal:
    description: The signal that stops the container, e.g. V(SIGTERM).
    type: str
  stop_timeout:
    description:
      - Seconds to wait for a graceful stop before killing.
      - Not compared by default (a new value alone changes nothing); with O(comparisons) C(stop_timeout)
        V(strict) it recreates the container for it.
    type: int
  auto_remove:
    description:
      - Remove the container when it exits.
      - Stopping such a container deletes it, so a recreate starts the new container beside the running old
        one first and stops the old one only once the new one has kept running for a second (with O(wait),
        once it is healthy when it has a healthcheck). When the two cannot run at once (the same published
        port, a port bound with O(network_mode=host), a lock), the run fails naming auto_remove and the new
        one's exit code, and the old one keeps running under its name - remove it first (O(state=absent)) or
        set O(auto_remove=false).
    type: bool
  cgroupns_mode:
    description:
      - The container's cgroup namespace, V(private) or V(host) (API 1.41+). Needed, with a tmpfs on
        C(/sys/fs/cgroup), to run systemd in a container on a cgroup v1 host.
    type: str
    choices: [private, host]
author:
  - tprov.docker maintainers (@tprov)
'''

EXAMPLES = r'''
- name: A redis container, converged
  tprov.docker.docker_api_container:
    name: redis
    image: redis:7
    hostname: redis
    published_ports: ["127.0.0.1:6379:6379"]
    restart_policy: unless-stopped
    memory: 256m

- name: On a remote engine over mutual TLS, waiting until it is healthy
  tprov.docker.docker_api_container:
    docker_host: tcp://docker1.example.com:2376
    validate_certs: true
    name: web
    image: registry.example.com/team/web:1.4
    healthcheck:
      test: [CMD, wget, -q, -O-, http://localhost/]
      interval: 5s
    wait: true

- name: On two user-defined networks, with an alias and a fixed address on the second
  tprov.docker.docker_api_container:
    name: api
    image: registry.example.com/team/api:2.0
    networks:
      - name: frontend
      - name: backend
        aliases: [api-internal]
        ipv4_address: 172.30.0.10
    comparisons:
      networks: strict   # disconnect from any network not listed

- name: Remove it
  tprov.docker.docker_api_container:
    name: web
    state: absent
'''

RETURN = r'''
container:
  description: The container's inspect data (C(GET /containers/{id}/json)) after the task; empty when absent.
  returned: success
  type: dict
changes:
  description: The differences acted on, each with the option's name and its value before and after.
  returned: success
  type: list
  elements: dict
  sample: [{"option": "memory", "before": 0, "after": 268435456}]
actions:
  description: What was done (or in check mode would be done), in words.
  returned: success
  type: list
  elements: str
  sample: ["Updated container web in place (Memory)"]
'''


from ansible_collections.tprov.docker.plugins.module_utils.container_backends import converge_container
from ansible_collections.tprov.docker.plugins.module_utils.container_spec import (
    CONTAINER_ARGUMENT_SPEC,
    CONTAINER_HIDDEN_VALUES,
    CONTAINER_REQUIRED_BY,
)
from ansible_collections.tprov.docker.plugins.module_utils.engine_module import run_engine_module


def main():
    run_engine_module(converge_container, CONTAINER_ARGUMENT_SPEC, required_by=CONTAINER_REQUIRED_BY,
                      hidden_values=CONTAINER_HIDDEN_VALUES, supports_check_mode=True)


if __name__ == '__main__':
    main()
