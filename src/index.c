/*-------------------------------------------------------------------------
 *
 * index.c
 *	  The integrity index: gathering a subject's leaf scores and rolling
 *	  them up an indicator tree.
 *
 * An index period for 100,000 persons and 45 leaf indicators is 4.5 million
 * scores.  In plain SQL every level of the tree would be one more GROUP BY
 * over millions of rows; here the leaf scores of one subject are gathered
 * into one array by an aggregate (score_vector) and the whole tree is
 * computed from it in one pass (index_tree), so the computation reads the
 * values once.
 *
 * The tree is given as two arrays over its nodes in topological order
 * (every parent before its children): the 1-based position of each node's
 * parent (0 for a top-level node, whose parent is the composite) and each
 * node's weight.  A node's score is the weighted mean of the scores of its
 * children that have one, re-weighted over those present (the CRI
 * convention); a node with no scored child has none.  The contribution of
 * a node is the number of composite points it took off:
 * (100 - score) times its effective weight, the product of its share of
 * the present siblings' weights along its path.  The contributions of the
 * children of a node add up to the node's contribution, and those of the
 * top-level nodes to 100 - composite.
 *
 * IDENTIFICATION
 *	  src/index.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include <float.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"

/* The largest tree, and the longest score vector, accepted. */
#define INDEX_MAX_NODES 100000

PG_FUNCTION_INFO_V1(score_vector_accum);
PG_FUNCTION_INFO_V1(score_vector_combine);
PG_FUNCTION_INFO_V1(score_vector_final);
PG_FUNCTION_INFO_V1(index_tree);

/*
 * A float8[] without NULLs, one dimension, lower bound 1.  Returns the
 * element count and points *data at the elements.
 */
static int
plain_float8_array(ArrayType *a, const char *what, double **data)
{
	if (ARR_NDIM(a) > 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional float8 array without NULLs", what)));
	*data = (double *) cleangov_array_data(a);
	return ARR_NDIM(a) == 0 ? 0 : ARR_DIMS(a)[0];
}

/*
 * score_vector(position int, value float8, length int): the transition.
 * The state is a float8[] of the given length holding NaN where no value has
 * arrived; it is modified in place when called as an aggregate (the array
 * lives in the aggregate's memory context), as float8_accum does.
 */
Datum
score_vector_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	ArrayType  *state;
	double	   *data;
	int			n;
	int32		pos;
	double		value;

	/*
	 * Called directly (not as an aggregate), the function must not change its
	 * argument: it works on a copy in the current context.
	 */
	if (!AggCheckCallContext(fcinfo, &aggcontext))
		aggcontext = NULL;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	pos = PG_GETARG_INT32(1);
	value = PG_GETARG_FLOAT8(2);
	cleangov_check_finite(value, "score_vector");

	if (PG_ARGISNULL(0))
	{
		int32		len;
		MemoryContext old;
		int			i;

		if (PG_ARGISNULL(3))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("score_vector: length must not be NULL")));
		len = PG_GETARG_INT32(3);
		if (len < 1 || len > INDEX_MAX_NODES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("score_vector: length %d is outside 1 .. %d", len, INDEX_MAX_NODES)));
		old = MemoryContextSwitchTo(aggcontext ? aggcontext : CurrentMemoryContext);
		state = (ArrayType *) palloc0(ARR_OVERHEAD_NONULLS(1) + sizeof(double) * len);
		SET_VARSIZE(state, ARR_OVERHEAD_NONULLS(1) + sizeof(double) * len);
		state->ndim = 1;
		state->dataoffset = 0;
		state->elemtype = FLOAT8OID;
		ARR_DIMS(state)[0] = len;
		ARR_LBOUND(state)[0] = 1;
		data = (double *) cleangov_array_data(state);
		for (i = 0; i < len; i++)
			data[i] = get_float8_nan();
		MemoryContextSwitchTo(old);
	}
	else if (aggcontext)
		state = PG_GETARG_ARRAYTYPE_P(0);
	else
		state = PG_GETARG_ARRAYTYPE_P_COPY(0);

	n = plain_float8_array(state, "score_vector state", &data);
	if (pos < 1 || pos > n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("score_vector: position %d is outside 1 .. %d", pos, n)));
	if (!isnan(data[pos - 1]))
		ereport(ERROR,
				(errcode(ERRCODE_CARDINALITY_VIOLATION),
				 errmsg("score_vector: two values for position %d in one group", pos),
				 errhint("Each subject has at most one value per indicator and period.")));
	data[pos - 1] = value;
	PG_RETURN_ARRAYTYPE_P(state);
}

/* Combine two partial vectors: positions filled in either; both is an error. */
Datum
score_vector_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	ArrayType  *a;
	ArrayType  *b;
	double	   *da;
	double	   *db;
	int			na;
	int			nb;
	int			i;
	bool		in_agg = AggCheckCallContext(fcinfo, &aggcontext);

	if (!in_agg)
		aggcontext = CurrentMemoryContext;	/* called directly: see below */
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
	{
		MemoryContext old = MemoryContextSwitchTo(aggcontext);

		b = PG_GETARG_ARRAYTYPE_P_COPY(1);
		MemoryContextSwitchTo(old);
		PG_RETURN_ARRAYTYPE_P(b);
	}
	/* in place inside an aggregate, on a copy when called directly */
	if (!in_agg)
		a = PG_GETARG_ARRAYTYPE_P_COPY(0);
	else
		a = PG_GETARG_ARRAYTYPE_P(0);
	b = PG_GETARG_ARRAYTYPE_P(1);
	na = plain_float8_array(a, "score_vector state", &da);
	nb = plain_float8_array(b, "score_vector state", &db);
	if (na != nb)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("score_vector: cannot combine vectors of lengths %d and %d", na, nb)));
	for (i = 0; i < na; i++)
	{
		if (isnan(db[i]))
			continue;
		if (!isnan(da[i]))
			ereport(ERROR,
					(errcode(ERRCODE_CARDINALITY_VIOLATION),
					 errmsg("score_vector: two values for position %d in one group", i + 1)));
		da[i] = db[i];
	}
	PG_RETURN_ARRAYTYPE_P(a);
}

/* Final: the vector with NULL where no value arrived. */
Datum
score_vector_final(PG_FUNCTION_ARGS)
{
	ArrayType  *state;
	double	   *data;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;
	int			dims[1];
	int			lbs[1] = {1};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = PG_GETARG_ARRAYTYPE_P(0);
	n = plain_float8_array(state, "score_vector state", &data);
	elems = palloc(sizeof(Datum) * n);
	nulls = palloc(sizeof(bool) * n);
	for (i = 0; i < n; i++)
	{
		nulls[i] = isnan(data[i]);
		/* only a state made by hand can hold an infinity */
		if (isinf(data[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("score_vector: element %d of the state is infinite", i + 1),
					 errdetail("A score vector holds finite scores, and NaN where no score arrived.")));
		elems[i] = Float8GetDatum(nulls[i] ? 0.0 : data[i]);
	}
	dims[0] = n;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, 1, dims, lbs, FLOAT8OID,
											 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * The tree, checked once per query and kept in fn_extra while the same
 * parents and weights come back (they are constants of the query).
 */
typedef struct IndexTree
{
	int			n;
	int		   *parent;			/* 0-based; -1 for a top-level node */
	double	   *weight;
	bool	   *is_leaf;
	int			n_leaves;
	int		   *leaf_node;		/* node of the k-th leaf */
	Size		key_len;		/* raw bytes of the two arrays, to recognise them */
	char	   *key;
} IndexTree;

/*
 * Weights so large that their sum, or a weight times a score of 100,
 * overflows would turn every mean into Inf / Inf = NaN.  Only the ratios of
 * weights matter, so such weights are divided by the largest one; a weight
 * that this leaves at zero (weights more than the float8 range apart) is
 * refused rather than silently dropped.
 */
static void
index_tree_scale(IndexTree *t)
{
	double		sum = 0.0;
	double		max = 0.0;
	int			i;

	for (i = 0; i < t->n; i++)
	{
		sum += t->weight[i];
		if (t->weight[i] > max)
			max = t->weight[i];
	}
	if (sum <= DBL_MAX / 100.0)
		return;
	for (i = 0; i < t->n; i++)
	{
		t->weight[i] /= max;
		if (!(t->weight[i] >= DBL_MIN))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("index_tree: weight of node %d is too small beside the largest weight", i + 1),
					 errdetail("The weights %g and %g differ by more than the range of float8.", t->weight[i] * max, max),
					 errhint("Give weights of comparable magnitude (only their ratios matter).")));
	}
}

static IndexTree *
index_tree_get(FunctionCallInfo fcinfo, ArrayType *parents, ArrayType *weights)
{
	IndexTree  *t = (IndexTree *) fcinfo->flinfo->fn_extra;
	Size		plen = VARSIZE(parents);
	Size		wlen = VARSIZE(weights);
	MemoryContext old;
	int32	   *p;
	double	   *w;
	int			n;
	int			nw;
	int			i;

	if (t != NULL && t->key_len == plen + wlen &&
		memcmp(t->key, parents, plen) == 0 && memcmp(t->key + plen, weights, wlen) == 0)
		return t;

	if (ARR_NDIM(parents) > 1 || ARR_HASNULL(parents) || ARR_ELEMTYPE(parents) != INT4OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("index_tree: parents must be a one-dimensional int array without NULLs")));
	n = ARR_NDIM(parents) == 0 ? 0 : ARR_DIMS(parents)[0];
	nw = plain_float8_array(weights, "index_tree: weights", &w);
	if (n != nw)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("index_tree: %d parents but %d weights", n, nw)));
	if (n > INDEX_MAX_NODES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("index_tree: more than %d nodes", INDEX_MAX_NODES)));
	p = (int32 *) cleangov_array_data(parents);

	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (t != NULL)
	{
		pfree(t->parent);
		pfree(t->weight);
		pfree(t->is_leaf);
		pfree(t->leaf_node);
		pfree(t->key);
	}
	else
		t = palloc(sizeof(IndexTree));
	t->n = n;
	t->parent = palloc(sizeof(int) * (n + 1));
	t->weight = palloc(sizeof(double) * (n + 1));
	t->is_leaf = palloc(sizeof(bool) * (n + 1));
	t->leaf_node = palloc(sizeof(int) * (n + 1));
	t->key_len = plen + wlen;
	t->key = palloc(plen + wlen);
	memcpy(t->key, parents, plen);
	memcpy(t->key + plen, weights, wlen);
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = NULL;	/* until checked */

	for (i = 0; i < n; i++)
		t->is_leaf[i] = true;
	for (i = 0; i < n; i++)
	{
		if (p[i] < 0 || p[i] > i)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("index_tree: node %d has parent %d", i + 1, p[i]),
					 errdetail("A parent must come before its children: 0 for a top-level node, else a position below the node's own.")));
		if (!(w[i] > 0.0) || isinf(w[i]))	/* also refuses NaN */
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("index_tree: weight of node %d must be a positive finite number", i + 1)));
		t->parent[i] = p[i] - 1;
		t->weight[i] = w[i];
		if (p[i] > 0)
			t->is_leaf[p[i] - 1] = false;
	}
	index_tree_scale(t);
	t->n_leaves = 0;
	for (i = 0; i < n; i++)
		if (t->is_leaf[i])
			t->leaf_node[t->n_leaves++] = i;
	fcinfo->flinfo->fn_extra = t;
	return t;
}

/*
 * index_tree(parents int[], weights float8[], leaf_scores float8[])
 *	 RETURNS (composite float8, scores float8[], contributions float8[])
 *
 * leaf_scores has one element per leaf, the leaves in node order; scores
 * and contributions have one per node.
 */
Datum
index_tree(PG_FUNCTION_ARGS)
{
	ArrayType  *parents = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *weights = PG_GETARG_ARRAYTYPE_P(1);
	ArrayType  *leaves = PG_GETARG_ARRAYTYPE_P(2);
	IndexTree  *t;
	TupleDesc	tupdesc;
	int			n;
	int			i;
	bits8	   *lnull;
	double	   *ldata;
	double	   *score;
	double	   *sw;				/* per node: sum of present children's weights */
	double	   *sws;			/* per node: sum of weight times score */
	double	   *eff;
	double		root_w = 0.0;
	double		root_ws = 0.0;
	Datum	   *sd;
	bool	   *sn;
	Datum	   *cd;
	bool	   *cn;
	int			dims[1];
	int			lbs[1] = {1};
	Datum		values[3];
	bool		isnull[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "index_tree must return a composite type");
	tupdesc = BlessTupleDesc(tupdesc);

	t = index_tree_get(fcinfo, parents, weights);
	n = t->n;
	if (ARR_NDIM(leaves) > 1 || ARR_ELEMTYPE(leaves) != FLOAT8OID ||
		(ARR_NDIM(leaves) == 0 ? 0 : ARR_DIMS(leaves)[0]) != t->n_leaves)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("index_tree: leaf_scores must be a one-dimensional float8 array with one element per leaf (%d)",
						t->n_leaves)));
	lnull = ARR_NULLBITMAP(leaves);
	ldata = (double *) cleangov_array_data(leaves);

	score = palloc(sizeof(double) * (n + 1));
	sw = palloc0(sizeof(double) * (n + 1));
	sws = palloc0(sizeof(double) * (n + 1));
	eff = palloc(sizeof(double) * (n + 1));

	/* Scatter the leaf scores (the array may have a NULL bitmap). */
	for (i = 0; i < n; i++)
		score[i] = get_float8_nan();
	for (i = 0; i < t->n_leaves; i++)
	{
		double		s;

		if (lnull != NULL && !(lnull[i / 8] & (1 << (i % 8))))
			continue;
		s = *ldata++;
		if (!(s >= 0.0 && s <= 100.0))	/* also refuses NaN */
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("index_tree: score %g of leaf %d is outside 0 .. 100", s, i + 1)));
		score[t->leaf_node[i]] = s;
	}

	/* Bottom up: children come after their parents, so walk backwards. */
	for (i = n - 1; i >= 0; i--)
	{
		if (!t->is_leaf[i])
			score[i] = sw[i] > 0.0 ? sws[i] / sw[i] : get_float8_nan();
		if (isnan(score[i]))
			continue;
		if (t->parent[i] < 0)
		{
			root_w += t->weight[i];
			root_ws += t->weight[i] * score[i];
		}
		else
		{
			sw[t->parent[i]] += t->weight[i];
			sws[t->parent[i]] += t->weight[i] * score[i];
		}
	}

	/* Top down: effective weights and the points each node took off. */
	sd = palloc(sizeof(Datum) * (n + 1));
	sn = palloc(sizeof(bool) * (n + 1));
	cd = palloc(sizeof(Datum) * (n + 1));
	cn = palloc(sizeof(bool) * (n + 1));
	for (i = 0; i < n; i++)
	{
		if (isnan(score[i]))
		{
			sn[i] = cn[i] = true;
			sd[i] = cd[i] = Float8GetDatum(0.0);
			continue;
		}
		if (t->parent[i] < 0)
			eff[i] = t->weight[i] / root_w;
		else
			eff[i] = eff[t->parent[i]] * t->weight[i] / sw[t->parent[i]];
		sn[i] = cn[i] = false;
		sd[i] = Float8GetDatum(score[i]);
		cd[i] = Float8GetDatum(eff[i] * (100.0 - score[i]));
	}

	dims[0] = n;
	if (root_w > 0.0)
		values[0] = Float8GetDatum(root_ws / root_w);
	else
		isnull[0] = true;
	values[1] = PointerGetDatum(construct_md_array(sd, sn, 1, dims, lbs, FLOAT8OID,
												   8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[2] = PointerGetDatum(construct_md_array(cd, cn, 1, dims, lbs, FLOAT8OID,
												   8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, isnull)));
}
