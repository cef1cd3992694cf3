"""Stand-in for ansible-test's pip bootstrap script (get-pip.py), for machines that reach PyPI but not
the host ansible-test downloads get-pip.py from. ansible-test runs this file as ``__main__`` inside a
fresh virtual environment, with pip's options and the packages to install (``pip==X``) as arguments.
scripts/run-sanity places it in ansible-test's cache under the name ansible-test looks for.
"""

import subprocess
import sys

# get-pip.py's own flags; pip install does not know them.
OWN_FLAGS = ('--no-setuptools', '--no-wheel')


def main():
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
    args = [arg for arg in sys.argv[1:] if arg not in OWN_FLAGS]
    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--quiet'] + args)


if __name__ == '__main__':
    main()
