#!/usr/bin/env python3
"""The public/internal header split and the include style (issue 12, docs/design_decisions.md).

Public headers are xgrad.hpp and every .hpp under a module folder except those in a detail/
folder; they are what `cmake --install` copies to include/xgrad/. Checked here:
  1. one include style: every include of an xgrad header anywhere in the repository is
     <xgrad/module/file.hpp> (never quoted, never relative) and names a file that exists;
  2. a public header includes no internal (detail/) header, so an installed header never
     names a file that was not installed;
  3. a public header includes no third-party header but fmt's (the library's public
     dependency) and xtensor's in core/xarray.hpp, the opt-in xtensor interop.
Usage: scripts/check_headers.py [repository root]; exits 1 listing every violation."""
import os
import re
import sys

MODULES = ('core', 'ops', 'nn', 'optim', 'data', 'dist', 'insight', 'explain', 'tune')
ALLOWED_THIRD_PARTY = {'fmt': None, 'xtensor': {'core/xarray.hpp'}}  # None: any public header
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def is_library_header(path):
    return path == 'xgrad.hpp' or (path.split('/')[0] in MODULES and path.endswith('.hpp'))


def is_public(path):
    return is_library_header(path) and '/detail/' not in path


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
    os.chdir(root)
    files = []
    for folder, subfolders, names in os.walk('.'):
        # Build trees, hidden folders (.git) and third-party code are not ours to check.
        subfolders[:] = [d for d in subfolders if not d.startswith(('build', '.', '_'))]
        files += [os.path.relpath(os.path.join(folder, n)) for n in names]
    present = set(files)
    problems = []
    for f in files:
        if not f.endswith(('.cpp', '.hpp', '.h')):
            continue
        for n, line in enumerate(open(f, encoding='utf-8'), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            quote, name = m.groups()
            where = f'{f}:{n}: #include {quote}{name}{">" if quote == "<" else quote}'
            if name.startswith('xgrad/'):
                target = name[len('xgrad/'):]
                if quote == '"':
                    problems.append(f'{where}: write <{name}> (angle brackets)')
                if target not in present:
                    problems.append(f'{where}: no such header')
                elif is_public(f) and not is_public(target):
                    problems.append(f'{where}: a public header includes an internal one')
                continue
            if quote == '"':
                resolved = os.path.normpath(os.path.join(os.path.dirname(f), name))
                for target in (resolved, name):  # beside the includer, or from the root
                    if is_library_header(target) and target in present:
                        problems.append(f'{where}: write <xgrad/{target}>')
                        break
                continue
            top = name.split('/')[0]
            if is_public(f) and '/' in name:
                allowed = ALLOWED_THIRD_PARTY.get(top, set())
                if allowed is not None and f not in allowed:
                    problems.append(f'{where}: a public header includes a third-party header')
    for p in problems:
        print(p)
    publics = sum(1 for f in files if is_public(f))
    print(f'check_headers: {publics} public headers, {len(problems)} problem(s)')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
