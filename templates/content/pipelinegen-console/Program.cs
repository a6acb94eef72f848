using SampleModel;

// The classes used here are generated from pipeline.yaml when you build.
// 'dotnet run -- run' runs the whole workflow: explore the data, evaluate against a trivial baseline,
// plot a capacity curve, train the final model and save it. 'dotnet run -- --help' lists each step.
return SampleModelPipeline.RunCommandLine(args);

// The same pipeline from your own code, once 'dotnet run -- train' (or 'run') has saved the model:
//
//   var pipeline = new SampleModelPipeline();
//   var ml = pipeline.CreateContext();
//   var model = pipeline.LoadModel(ml, pipeline.Settings.ResolvePath(".pipelinegen/models/SampleModel.zip"));
#if (task == "binary")
//   var prediction = pipeline.Predict(ml, model, new SampleModelInput { Pclass = "1", Sex = "female", Age = 29, Fare = 80 });
//   Console.WriteLine($"Survived: {prediction.PredictedLabel} (probability {prediction.Probability:0.00})");
#elif (task == "multiclass")
//   var prediction = pipeline.Predict(ml, model, new SampleModelInput { SepalLength = 6.9f, SepalWidth = 3.1f, PetalLength = 5.4f, PetalWidth = 2.1f });
//   Console.WriteLine($"Species: {prediction.PredictedLabel}");
#else
//   var prediction = pipeline.Predict(ml, model, new SampleModelInput { Alcohol = 12.5f, VolatileAcidity = 0.4f, Sulphates = 0.75f });
//   Console.WriteLine($"Quality: {prediction.Score:0.0}");
#endif
