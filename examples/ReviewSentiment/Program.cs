// The whole command line (explore, baseline, evaluate, curve, train, test, predict, run, runs) comes from the spec.
// 'dotnet run -- run' runs the workflow end to end; 'dotnet run -- --help' lists the steps.
return ReviewSentiment.ReviewSentimentPipeline.RunCommandLine(args);
