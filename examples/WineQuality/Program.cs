// Two specs in one project, two generated pipelines. The first argument picks one:
//   dotnet run -- run            the regression pipeline (pipeline.yaml)
//   dotnet run -- classes run    the ordinal classes pipeline (quality-classes.pipeline.yaml)
// Every step of the command line ('--help' lists them) works the same for both.
return args is ["classes", .. var rest]
    ? WineQuality.WineQualityClassesPipeline.RunCommandLine(rest)
    : WineQuality.WineQualityPipeline.RunCommandLine(args);
