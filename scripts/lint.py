#!/usr/bin/env python3
"""House rules a compiler does not check, over the product's own C++ (engine/, cli/):

- every file is laid out as clang-format says (.clang-format);
- text is formatted with fmt (fmt::format, fmt::format_to, fmt::join; cli/output.h for the
  two streams), not with iostreams, printf-style calls or `"..." + x` concatenation.

Prints each offence as file:line and exits 1 when there is one. Tests and benchmarks may
build strings as they like: the rule is about what users read.
"""
import re
import subprocess
import sys

FORBIDDEN = [
    (re.compile(r'std::(cout|cerr|clog)\b'), 'write through cli/output.h (Out, Err)'),
    (re.compile(r'\b(o|)stringstream\b'), 'format with fmt, not a string stream'),
    (re.compile(r'\b(s|sn|f|)printf\s*\('), 'format with fmt, not printf'),
    (re.compile(r'\bstrftime\s*\('), 'format times with fmt'),
    (re.compile(r'std::to_string\s*\('), 'use fmt::to_string or a format string'),
    (re.compile(r'"\s*\+\s*[A-Za-z_(]|[A-Za-z_0-9)\]]\s*\+\s*"'),
     'format with fmt::format instead of concatenating with +'),
]

LITERAL = re.compile(r'"(?:\\.|[^"\\\n])*"' r"|'(?:\\.|[^'\\\n])+'")
LINE_COMMENT = re.compile(r'//.*$')
DOCTEST = re.compile(r'^#include [<"]doctest/doctest\.h[>"]', re.M)


def blank_literals(line):
    # Keep the quotes so concatenation with a literal is still seen, drop what is inside.
    return LITERAL.sub(lambda m: m.group(0)[0] * 2, line)


def source_offences(path):
    offences = []
    in_block_comment = False
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            if in_block_comment:
                end = line.find('*/')
                if end < 0:
                    continue
                line = line[end + 2:]
                in_block_comment = False
            code = LINE_COMMENT.sub('', blank_literals(line))
            start = code.find('/*')
            if start >= 0 and code.find('*/', start) < 0:
                code = code[:start]
                in_block_comment = True
            for pattern, advice in FORBIDDEN:
                if pattern.search(code):
                    offences.append(f'{path}:{number}: {advice}: {line.strip()}')
    return offences


def is_test(path):
    """A test is a file that includes doctest: what a file does, not what it is called, so
    that no product file escapes the rules by its name (`cmd_test.cpp` once did)."""
    with open(path, encoding='utf-8') as f:
        return DOCTEST.search(f.read()) is not None


def main():
    files = subprocess.run(['git', 'ls-files', '*.cpp', '*.h'], check=True, capture_output=True,
                           text=True).stdout.split()
    offences = []
    layout = subprocess.run(['clang-format', '--dry-run', '--style=file'] + files,
                            capture_output=True, text=True)
    for line in layout.stderr.splitlines():
        if ': warning: code should be clang-formatted' in line:
            offences.append(line.split(': warning:')[0] + ': not clang-formatted (make format)')
    product = [f for f in files if f.startswith(('engine/', 'cli/')) and not is_test(f)]
    for path in product:
        offences += source_offences(path)
    for offence in offences:
        print(offence)
    if offences:
        print(f'lint: {len(offences)} offences', file=sys.stderr)
        return 1
    print(f'lint: {len(files)} files laid out by clang-format; {len(product)} product files '
          'format their text with fmt')
    return 0


sys.exit(main())
