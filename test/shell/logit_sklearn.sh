#!/usr/bin/env bash
# The logistic regression of cleangov (src/logit.c, logit_fit) against an
# independent implementation: scikit-learn from Debian (python3-sklearn, a
# test-time dependency only).  Data from numpy with fixed seeds: correlated
# features, a few missing values, several penalties; the features
# standardised once in Python (population sd, as cleangov does) and the
# missing values set to 0 there (the mean: what cleangov does with a NULL),
# so both sides fit the same problem.  cleangov gets the raw values with
# the NULLs and the mean and sd; LogisticRegression(penalty="l2",
# C = 1 / lambda, solver "newton-cholesky", tol 1e-12) the standardised
# matrix.  The coefficients (standardised scale, intercept included) must
# agree within 1e-6.
set -uo pipefail
cd "$(dirname "$0")/../.."
py=/usr/bin/python3
"$py" -c 'import sklearn, numpy' 2>/dev/null || { echo "not ok - python3-sklearn is not installed (scripts/lib.sh installs it)"; exit 1; }
db=cleangov_sklearn
dropdb --if-exists $db 2>/dev/null
createdb $db
work=$(mktemp -d)
trap 'rm -rf "$work"; dropdb --if-exists $db 2>/dev/null' EXIT
q() { psql -X -A -t -q -v ON_ERROR_STOP=1 -d $db "$@"; }
fail=0
q -c 'CREATE EXTENSION cleangov' -c 'CREATE TABLE public.d (s int, i int, x float8[], y float8)' >/dev/null || { echo "not ok - set-up"; exit 1; }
# data sets: seed, rows, features
"$py" - "$work" <<'PY'
import sys, numpy as np
work = sys.argv[1]
with open(f"{work}/rows.csv", "w") as f, open(f"{work}/moments.csv", "w") as m:
    for seed, n, p in [(1, 2000, 8), (2, 1500, 5), (3, 3000, 12)]:
        r = np.random.default_rng(seed)
        base = r.normal(size=(n, p))
        x = base + 0.6 * base[:, [0]]          # correlated with the first
        x[:, 1] = x[:, 1] * 50 + 300           # another scale
        eta = -0.3 + x @ (r.normal(size=p) / np.std(x, axis=0))
        y = (r.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
        miss = r.random((n, p)) < 0.03
        for i in range(n):
            vals = ",".join("NULL" if miss[i, j] else repr(float(x[i, j])) for j in range(p))
            f.write(f'{seed};{i};"{{{vals}}}";{y[i]}\n')
        xm = np.where(miss, np.nan, x)
        mean = np.nanmean(xm, axis=0); sd = np.nanstd(xm, axis=0)
        m.write(f'{seed};"{{{",".join(repr(float(v)) for v in mean)}}}";"{{{",".join(repr(float(v)) for v in sd)}}}"\n')
        z = np.where(miss, 0.0, (x - mean) / sd)
        np.save(f"{work}/z{seed}.npy", z); np.save(f"{work}/y{seed}.npy", y)
PY
q -c "\\copy public.d FROM '$work/rows.csv' WITH (FORMAT csv, DELIMITER ';', NULL 'NULL')" \
  -c 'CREATE TABLE public.m (s int, mean float8[], sd float8[])' \
  -c "\\copy public.m FROM '$work/moments.csv' WITH (FORMAT csv, DELIMITER ';')" >/dev/null || { echo "not ok - loading the data"; exit 1; }
for seed in 1 2 3; do
	for lambda in 1 0.01 20; do
		q -c "SELECT array_to_string(f.beta, ' '), f.iterations, f.converged
		        FROM public.m, cleangov.logit_fit(format('SELECT x, y FROM public.d WHERE s = %s', $seed), $lambda, m.mean, m.sd, 1e-12, 100) f
		       WHERE m.s = $seed" -F '|' >"$work/pg.txt" || { echo "not ok - seed $seed lambda $lambda: logit_fit failed"; fail=1; continue; }
		IFS='|' read -r beta iters conv <"$work/pg.txt"
		res=$("$py" - "$work" "$seed" "$lambda" "$beta" <<'PY'
import sys, numpy as np, warnings
from sklearn.linear_model import LogisticRegression
work, seed, lam, beta = sys.argv[1], sys.argv[2], float(sys.argv[3]), np.array([float(v) for v in sys.argv[4].split()])
z = np.load(f"{work}/z{seed}.npy"); y = np.load(f"{work}/y{seed}.npy")
warnings.simplefilter("ignore")
m = LogisticRegression(penalty="l2", C=1 / lam, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(z, y)
ref = np.concatenate([m.intercept_, m.coef_[0]])
print(f"{np.max(np.abs(ref - beta)):.3g}")
PY
)
		if [ "$conv" = t ] && "$py" -c "import sys; sys.exit(0 if float('$res') < 1e-6 else 1)"; then
			echo "ok - seed $seed, lambda $lambda: coefficients within 1e-6 of scikit-learn's (largest difference $res; $iters Newton iterations)"
		else
			echo "not ok - seed $seed, lambda $lambda: largest difference $res from scikit-learn's, converged $conv"; fail=1
		fi
	done
done
[ $fail = 0 ] && echo "logit_sklearn: ok" || echo "logit_sklearn: FAILED"
exit $fail
