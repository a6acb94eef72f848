// The generated command line; bench/tune-strategy-bench.sh runs 'tune --budget-units U --no-lock' through it.
return Titanic.TitanicPipeline.RunCommandLine(args);
