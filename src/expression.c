/*-------------------------------------------------------------------------
 *
 * expression.c
 *	  What a binding's SQL expression is: cleangov.expression_info().
 *
 * cleangov.bind() lets a shape column be an SQL expression over the source
 * row and its lookups ({"expr": "fdsx * 1"}).  The expression ends up in the
 * bound view, which rules read with their owners' rights (the view is
 * security_invoker), so before it is accepted bind() must know exactly what
 * it calls and what it returns: its type, and every function it executes,
 * so that a volatile function, or a function a binder wrote (which would run
 * with a rule owner's rights), is refused.  Text scanning cannot know that;
 * PostgreSQL's own parser and analyzer can.  expression_info() parses one
 * SELECT, analyzes it against the catalog (as the caller: the caller needs
 * SELECT on the tables it names, as for any query), refuses what is not a
 * plain expression list (more than one statement, anything but SELECT,
 * aggregates, window functions, subqueries, set-returning functions), and
 * returns the type of each output column and the OIDs of every function the
 * query would call, operators' functions included.
 *
 * Nothing is planned or executed.
 *
 * IDENTIFICATION
 *	  src/expression.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "nodes/nodeFuncs.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "cleangov.h"

typedef struct FunctionList
{
	Oid		   *oids;
	int			n;
	int			max;
} FunctionList;

static void
function_list_add(FunctionList *list, Oid func)
{
	for (int i = 0; i < list->n; i++)
		if (list->oids[i] == func)
			return;
	if (list->n == list->max)
	{
		list->max *= 2;
		list->oids = repalloc(list->oids, sizeof(Oid) * list->max);
	}
	list->oids[list->n++] = func;
}

static bool
collect_function(Oid func, void *context)
{
	if (OidIsValid(func))
		function_list_add((FunctionList *) context, func);
	return false;				/* go on */
}

static bool
collect_functions_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	/* every node that calls a function: FuncExpr, OpExpr (and its kin), ... */
	(void) check_functions_in_node(node, collect_function, context);
	if (IsA(node, CoerceViaIO))
	{
		/* a cast through text calls the types' output and input functions */
		CoerceViaIO *io = (CoerceViaIO *) node;
		Oid			typoutput;
		Oid			typinput;
		Oid			typioparam;
		bool		varlena;

		getTypeOutputInfo(exprType((Node *) io->arg), &typoutput, &varlena);
		getTypeInputInfo(io->resulttype, &typinput, &typioparam);
		collect_function(typoutput, context);
		collect_function(typinput, context);
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, collect_functions_walker, context, 0);
	return expression_tree_walker(node, collect_functions_walker, context);
}

PG_FUNCTION_INFO_V1(expression_info);

/*
 * expression_info(query text, OUT types regtype[], OUT functions regprocedure[])
 */
Datum
expression_info(PG_FUNCTION_ARGS)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	List	   *raw;
	RawStmt    *stmt;
	Query	   *query;
	ListCell   *lc;
	Datum	   *types;
	int			ntypes = 0;
	FunctionList funcs;
	Datum	   *func_datums;
	TupleDesc	tupdesc;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	raw = raw_parser(sql, RAW_PARSE_DEFAULT);
	if (list_length(raw) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("an expression must be one expression, not %d statements", list_length(raw)),
				 errhint("Remove the semicolon.")));
	stmt = linitial_node(RawStmt, raw);
	if (!IsA(stmt->stmt, SelectStmt))
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("an expression must be an expression, not a statement")));

	query = parse_analyze_fixedparams(stmt, sql, NULL, 0, NULL);
	if (query->commandType != CMD_SELECT || query->utilityStmt != NULL
		|| query->setOperations != NULL || query->rowMarks != NIL || query->cteList != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("an expression must be an expression over the source row")));
	if (query->hasAggs || query->groupClause != NIL || query->havingQual != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_GROUPING_ERROR),
				 errmsg("an expression over one source row cannot use an aggregate"),
				 errhint("Bind a view that aggregates, or use a lookup.")));
	if (query->hasWindowFuncs)
		ereport(ERROR,
				(errcode(ERRCODE_WINDOWING_ERROR),
				 errmsg("an expression over one source row cannot use a window function")));
	if (query->hasSubLinks)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("an expression over one source row cannot hold a subquery"),
				 errhint("Declare a lookup (a related table joined by key) and read its column, e.g. {\"column\": \"t.buyer\"}.")));
	if (query->hasTargetSRFs)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("an expression over one source row cannot return a set")));

	types = palloc(sizeof(Datum) * Max(list_length(query->targetList), 1));
	foreach(lc, query->targetList)
	{
		TargetEntry *te = lfirst_node(TargetEntry, lc);

		if (te->resjunk)
			continue;
		types[ntypes++] = ObjectIdGetDatum(exprType((Node *) te->expr));
	}

	funcs.max = 8;
	funcs.n = 0;
	funcs.oids = palloc(sizeof(Oid) * funcs.max);
	(void) query_tree_walker(query, collect_functions_walker, &funcs, 0);
	func_datums = palloc(sizeof(Datum) * Max(funcs.n, 1));
	for (int i = 0; i < funcs.n; i++)
		func_datums[i] = ObjectIdGetDatum(funcs.oids[i]);

	values[0] = PointerGetDatum(construct_array(types, ntypes, REGTYPEOID, sizeof(Oid), true, TYPALIGN_INT));
	values[1] = PointerGetDatum(construct_array(func_datums, funcs.n, REGPROCEDUREOID, sizeof(Oid), true, TYPALIGN_INT));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
