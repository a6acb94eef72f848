// The generated command line; the benchmark runs 'tune --nested K --no-lock' through it.
return CreditGBar.CreditGBarPipeline.RunCommandLine(args);
