// Two specs in one project, two generated pipelines. The first argument picks one:
//   dotnet run -- run             the real pipeline (pipeline.yaml: total, tip and tolls ignored)
//   dotnet run -- leaky explore   the same data with the leaking columns left in (leaky.pipeline.yaml)
return args is ["leaky", .. var rest]
    ? TaxiFares.TaxiFaresLeakyPipeline.RunCommandLine(rest)
    : TaxiFares.TaxiFaresPipeline.RunCommandLine(args);
