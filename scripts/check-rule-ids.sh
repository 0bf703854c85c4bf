#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Every rule ID the tests name must be one docs/review-rules.md defines
# (written there in bold, e.g. **R-PAGES-ERRPTR**), and the tests must name
# rules by ID only, not by the older numberings that file maps ("3b.2",
# "3.b.2", "review-rules 4", "rule 7").
#
# IDs: R-, K- or D- followed by upper-case words joined by '-'. Prints each
# offending file:line with the reason and exits 1; exits 0 when all is well.
#
# Usage: bash scripts/check-rule-ids.sh [repository root]
set -euo pipefail

root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root"

rules=docs/review-rules.md
id_re='\b[RKD]-[A-Z0-9]+(-[A-Z0-9]+)*\b'

if [ ! -f "$rules" ]; then
	echo "check-rule-ids: $rules not found under $root" >&2
	exit 2
fi

defined=$(grep -oE "\*\*$id_re\*\*" "$rules" | tr -d '*' | sort -u)
if [ -z "$defined" ]; then
	echo "check-rule-ids: no rule ID defined in $rules" >&2
	exit 2
fi

bad=0
named=0
while IFS=: read -r file line id; do
	named=$((named + 1))
	if ! grep -qxF -- "$id" <<<"$defined"; then
		echo "$file:$line: $id is not a rule ID defined in $rules"
		bad=1
	fi
done < <(grep -rnoE "$id_re" tests --include='*.c' --include='*.h' || true)

while IFS=: read -r file line old; do
	echo "$file:$line: \"$old\" names a rule by an older numbering; use its ID" \
		"($rules, section 6)"
	bad=1
done < <(grep -rnoE '\b3\.?b\.[0-9N]+|review-rules [0-9]+|\brules? [0-9]+\b' tests \
	--include='*.c' --include='*.h' || true)

if [ "$bad" -ne 0 ]; then
	exit 1
fi
echo "check-rule-ids: $named rule ID mention(s) in tests/, all defined in $rules"
