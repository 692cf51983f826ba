#!/usr/bin/env bash
# The 400 x 5 point on every member of the reference suite, one after the other, in one run:
# bench/synthetic_curve.py per member (recipe, default fast), then a table of the first epoch
# at test r >= 0.976, the final test r, the TF-centred r and the whole run's wall seconds.
#
#   bash bench/suite_fast.sh [REFERENCES_DIR [RECIPE [OUT_DIR]]]
#
# REFERENCES_DIR holds one folder per member with parameters.tsv (default
# results/paper-reference/synthetic/references, built by the workflow). Needs the paper's
# KEGG network at ../shared/data/paper-reference/networks (or NETWORK / ANNOTATION).
set -euo pipefail
cd "$(dirname "$0")/.."
refs=${1:-results/paper-reference/synthetic/references}
recipe=${2:-fast}
out=${3:-bench-suite-$recipe}
net=${NETWORK:-../shared/data/paper-reference/networks/KEGGnet-Model.tsv}
ann=${ANNOTATION:-../shared/data/paper-reference/networks/KEGGnet-Annotation.tsv}
export PYTHONPATH="$PWD/workflow/lib${PYTHONPATH:+:$PYTHONPATH}" OPENBLAS_NUM_THREADS=1
mkdir -p "$out"
echo "# $(lscpu | grep 'Model name' | sed 's/  */ /g'); $(nproc) cores; recipe $recipe; $(date -u)"
printf "member\tfirst_epoch_ge_0.976\tfinal_r\ttf_centred_r\twall_s\n"
for dir in "$refs"/*/; do
    member=$(basename "$dir")
    [ -f "$dir/parameters.tsv" ] || continue
    start=$SECONDS
    "${PYTHON:-python}" bench/synthetic_curve.py --network "$net" --annotation "$ann" \
        --reference "$dir/parameters.tsv" --recipe "$recipe" --eval-every 50 \
        > "$out/$member.txt"
    wall=$((SECONDS - start))
    awk -v m="$member" -v w="$wall" -F'\t' '
        /^[0-9]/ && first == "" && $4 >= 0.976 { first = $1 }
        /^# final test r/ { split($0, a, " "); r = a[5]; c = a[7]; sub(/;/, "", c) }
        END { printf "%s\t%s\t%s\t%s\t%.0f\n", m, (first == "" ? "never" : first), r, c, w }
    ' "$out/$member.txt"
done
