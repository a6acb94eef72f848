// The generated command line; bench/tune-halving-budget.sh runs 'tune --strategy hyperband --halving-budget ...' through it.
return CreditGTrees.CreditGTreesPipeline.RunCommandLine(args);
