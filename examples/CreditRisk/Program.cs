// The whole command line (explore, baseline, evaluate, curve, tune, train, test, predict, run, runs) comes from the spec.
// 'dotnet run -- run' runs the workflow end to end, tuning included; 'dotnet run -- --help' lists the steps.
return CreditRisk.CreditRiskPipeline.RunCommandLine(args);
