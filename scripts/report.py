#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one QEMU run of the test kernel.

The guest writes framed sections to its second serial port (see
tests/guest/init); each KTAP section is parsed with the kernel's own parser
(tools/testing/kunit/kunit_parser.py). Besides the tests themselves, four
harness checks count as tests: the guest finished, every expected KUnit suite
ran, no script exited non-zero without a failing KTAP line, and the console
log is free of kernel splats. The last line is "N passed, N failed[, N skipped]".
"""

import argparse
import os
import re
import sys

# Kernel splats: any of these in the console log fails the run.
SPLATS = [
    re.compile(p) for p in (
        r'WARNING: ',                      # WARN*(), lockdep reports
        r'BUG: ',                          # BUG, KASAN, scheduling while atomic, ...
        r'kernel BUG at ',
        r'Oops[:\s]',
        r'general protection fault',
        r'Kernel panic',
        r'refcount_t: ',
        r'scheduling while atomic',
        r'sleeping function called from invalid context',
        r'INFO: (possible|trying to register|task .* blocked|rcu)',
        r'UBSAN: ',
        r'kmemleak: \d+ new suspected memory leak',
        r'detected stalls? on CPU',
    )
]

SECTION_BEGIN = re.compile(r'^kmods: begin (\S+) (\S+)$')
SECTION_END = re.compile(r'^kmods: end (\S+) exit=(\d+)(?: seconds=(\d+))?$')
KSFT_SKIP = 4
# What a script killed by the guest's timeout exits with: GNU timeout's own
# status, and busybox timeout's SIGTERM.
TIMED_OUT = (124, 128 + 15)


class Tally:
    """Counts results and prints one line per test."""

    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.failures = []

    def record(self, name, status, detail=''):
        if status == 'ok':
            self.passed += 1
            print(f'  ok    {name}')
        elif status == 'skip':
            self.skipped += 1
            print(f'  skip  {name}' + (f'  ({detail})' if detail else ''))
        else:
            self.failed += 1
            self.failures.append(name)
            print(f'  FAIL  {name}' + (f'  ({detail})' if detail else ''))

    def summary(self):
        line = f'{self.passed} passed, {self.failed} failed'
        if self.skipped:
            line += f', {self.skipped} skipped'
        return line


def read_lines(path):
    try:
        with open(path, errors='replace') as f:
            return [line.rstrip('\r\n').replace('\r', '') for line in f]
    except FileNotFoundError:
        return []


def split_sections(lines):
    """Yields (kind, name, body, exit_status, seconds) and whether 'done'
    was seen; exit_status is None for a section the guest never finished."""
    sections, current, done = [], None, False
    for line in lines:
        m = SECTION_BEGIN.match(line)
        if m:
            current = (m.group(1), m.group(2), [])
            continue
        m = SECTION_END.match(line)
        if m and current and m.group(1) == current[1]:
            seconds = int(m.group(3)) if m.group(3) else None
            sections.append((*current, int(m.group(2)), seconds))
            current = None
            continue
        if line == 'kmods: done':
            done = True
        elif current:
            current[2].append(line)
    if current:
        # The guest died inside this section.
        sections.append((*current, None, None))
    return sections, done


def leaves(test, prefix, sep):
    """Yields (qualified name, test) for every test case under test."""
    if not test.subtests:
        yield prefix, test
        return
    for sub in test.subtests:
        name = f'{prefix}{sep}{sub.name}' if prefix else sub.name
        yield from leaves(sub, name, '.')


def judge_ktap(tally, parser, printer, kind, name, body):
    """Records every test case of one KTAP section; False if it had none."""
    root = parser.parse_run_tests(body, printer)
    # KUnit cases read suite.case; script cases module/script: description.
    prefix, sep = ('', '.') if kind == 'kunit' else (name, ': ')
    found_failure = False
    seen = 0
    if root.status in (parser.TestStatus.NO_TESTS,
                       parser.TestStatus.FAILURE_TO_PARSE_TESTS):
        return False, False
    for case_name, case in leaves(root, prefix, sep):
        st = case.status
        if st == parser.TestStatus.TEST_CRASHED and not case.name:
            # The parser stands in a nameless case for results that never
            # came; the caller reports the unfinished section once.
            continue
        seen += 1
        if st == parser.TestStatus.SUCCESS:
            tally.record(case_name, 'ok')
        elif st == parser.TestStatus.SKIPPED:
            tally.record(case_name, 'skip', case.skip_reason)
        else:
            found_failure = True
            detail = 'crashed' if st == parser.TestStatus.TEST_CRASHED else ''
            tally.record(case_name, 'fail', detail)
            for line in case.log[-20:]:
                print(f'          {line}')
    return seen > 0, found_failure


EXPECT_BEGIN = re.compile(r'kmods: expect-splat begin (?:only=(\S+) )?(.*)$')
EXPECT_END = re.compile(r'kmods: expect-splat end$')


def scan_splats(console):
    """Line numbers of splats, and the reasons of deliberate ones.

    A test brackets a splat it causes on purpose with markers it writes to
    /dev/kmsg (ktap_expect_splat_begin/end); splat lines inside are not
    counted. A bracket opened with only=REGEX excuses only the splat lines
    that REGEX also matches: the others inside still count.
    """
    hits, expected, reason, only = [], [], None, None
    for i, line in enumerate(console):
        m = EXPECT_BEGIN.search(line)
        if m:
            only = re.compile(m.group(1)) if m.group(1) else None
            reason = m.group(2)
            continue
        if EXPECT_END.search(line):
            reason = only = None
            continue
        if any(p.search(line) for p in SPLATS):
            if reason is None or (only is not None and not only.search(line)):
                hits.append(i)
            elif reason not in expected:
                expected.append(reason)
    return hits, expected


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--mode', required=True)
    ap.add_argument('--results', required=True)
    ap.add_argument('--console', required=True)
    ap.add_argument('--ksrc', required=True)
    ap.add_argument('--expect-suite', action='append', default=[])
    ap.add_argument('--not-applicable-suite', action='append', default=[],
                    help='a KUnit suite the kernel cannot run (no CONFIG_KUNIT)')
    ap.add_argument('--timed-out', type=int, default=0)
    args = ap.parse_args()

    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.join(args.ksrc, 'tools/testing/kunit'))
    import kunit_parser
    from kunit_printer import null_printer

    results = read_lines(args.results)
    console = read_lines(args.console)
    sections, done = split_sections(results)
    tally = Tally()

    expected = set(args.expect_suite)
    ran_suites, foreign = set(), []
    for kind, name, body, status, seconds in sections:
        if kind == 'kunit' and name not in expected:
            # Suites built into the kernel (the kernel crate's own) run at
            # boot and show up in debugfs too; they are not this project's.
            foreign.append(name)
            continue
        if kind in ('demo', 'bench'):
            print(f'\n--- {kind}: {name} ---')
            for line in body:
                print(line)
            print()
            if status not in (0, KSFT_SKIP):
                tally.record(f'{kind}:{name}', 'fail',
                             'guest died' if status is None else f'exit {status}')
            continue
        if kind == 'kunit':
            ran_suites.add(name)
        had_tests, had_failure = judge_ktap(tally, kunit_parser, null_printer,
                                            kind, name, body)
        if status is None:
            tally.record(name, 'fail', 'did not finish: the guest hung or died here')
        elif not had_tests:
            tally.record(name, 'fail', 'no KTAP results')
            for line in body[-20:]:
                print(f'          {line}')
        elif status in TIMED_OUT:
            tally.record(name, 'fail', f'timed out in the guest after {seconds} s'
                         ' (kmods.timeout)')
        elif status not in (0, KSFT_SKIP) and not had_failure:
            tally.record(name, 'fail', f'exit status {status} after {seconds} s')

    print()
    if args.timed_out:
        tally.record('harness:guest_finished', 'fail',
                     f'the guest hung: no result after {args.timed_out} s')
    elif not done:
        tally.record('harness:guest_finished', 'fail',
                     'the guest stopped before the end (crash or panic; see the console log)')
    else:
        tally.record('harness:guest_finished', 'ok')

    if foreign:
        print(f'  (not counted: the kernel\'s own suites {" ".join(foreign)})')
    for suite in args.not_applicable_suite:
        tally.record(f'kunit:{suite}', 'skip',
                     'not applicable: this kernel has no KUnit (CONFIG_KUNIT is off)')
    if args.mode == 'check':
        missing = sorted(expected - ran_suites)
        tally.record('harness:expected_suites_ran', 'fail' if missing else 'ok',
                     'missing: ' + ' '.join(missing) if missing else '')

    hits, expected_splats = scan_splats(console)
    for reason in expected_splats:
        print(f'  (a deliberate splat, not counted: {reason})')
    if hits:
        tally.record('harness:no_kernel_splat', 'fail',
                     f'{len(hits)} splat line(s) in the console log')
        for i in hits[:5]:
            for line in console[max(0, i - 1):i + 12]:
                print(f'          {line}')
            print('          ...')
    else:
        tally.record('harness:no_kernel_splat', 'ok')

    print(f'\nconsole log: {args.console}')
    print(f'results:     {args.results}')
    if tally.failures:
        print('failed: ' + ' '.join(tally.failures))
    print(tally.summary())
    return 1 if tally.failed else 0


if __name__ == '__main__':
    sys.exit(main())
