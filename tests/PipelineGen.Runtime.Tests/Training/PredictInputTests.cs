using System.Globalization;
using System.Text.Json;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>A trained Titanic model shared by the predict tests (training once keeps them fast); tests only read it.</summary>
public sealed class TrainedTitanic : IDisposable
{
    public string Project { get; } = TitanicTestPipeline.NewProjectDirectory();

    public TrainedTitanic()
    {
        var error = new StringWriter();
        var exit = TrainStep.Run(new TitanicTestPipeline(Project), new TrainOptions { SpecHash = TitanicTestPipeline.SpecHash }, TextWriter.Null, error);
        if (exit != 0) throw new InvalidOperationException("training the test model failed: " + error);
    }

    /// <summary>The current version's model file (train writes a version folder and points at it).</summary>
    public string ModelPath => ModelStore.Resolve(Path.Combine(Project, ".pipelinegen", "models", "Titanic.zip"));

    public void Dispose() => Directory.Delete(Project, recursive: true);
}

/// <summary>
/// predict reads new data by column name, checks every value's type, and says when a value was never seen in training;
/// bad paths, bad JSON text and unwritable output locations are exit code 2 with the path and the reason.
/// </summary>
public sealed class PredictInputTests(TrainedTitanic trained) : IClassFixture<TrainedTitanic>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("pg-predict-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private TitanicTestPipeline Pipeline => new(trained.Project);

    private string TestCsv => Path.Combine(trained.Project, "titanic_test.csv");

    private static readonly string[] Spec = ["survived", "pclass", "sex", "age", "sibsp", "parch", "fare", "embarked"];

    private (int Exit, string Output, string Error, string[] Lines) Csv(string inputPath)
    {
        var outputPath = Path.Combine(_work, Path.GetFileNameWithoutExtension(inputPath) + ".scored.csv");
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PredictStep.RunCsv(Pipeline, inputPath, outputPath, null, output, error);
        return (exit, output.ToString(), error.ToString(), exit == 0 ? File.ReadAllLines(outputPath) : []);
    }

    private (int Exit, string Output, string Error) Json(string json)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PredictStep.RunJson(Pipeline, json, null, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PipelineApp.Run(args, Pipeline, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The test file's rows with the columns in <paramref name="order"/> (names from <see cref="Spec"/>).</summary>
    private string WriteTestRows(string name, IReadOnlyList<string> order, bool header = true, Func<int, string, string, string>? change = null)
    {
        var lines = File.ReadAllLines(TestCsv);
        var rows = lines.Skip(1).Select((line, r) =>
        {
            var cells = line.Split(',');
            string Cell(string c) => Array.IndexOf(Spec, c) is var i and >= 0 ? cells[i] : "";
            return string.Join(",", order.Select(c => change?.Invoke(r, c, Cell(c)) ?? Cell(c)));
        });
        var path = Path.Combine(_work, name);
        File.WriteAllLines(path, header ? rows.Prepend(string.Join(",", order)) : rows);
        return path;
    }

    /// <summary>The prediction cells (the last three: PredictedLabel, Score, Probability) of each scored row.</summary>
    private static string[] Predictions(string[] lines) =>
        lines.Skip(1).Select(l => string.Join(",", l.Split(',').TakeLast(3))).ToArray();

    private string[] InOrderPredictions()
    {
        var result = Csv(TestCsv);
        Assert.True(result.Exit == 0, result.Error);
        return Predictions(result.Lines);
    }

    [Fact]
    public void AFileWithoutTheLabelIsMatchedByNameAndScoredLikeTheFullFile()
    {
        var expected = InOrderPredictions();
        Assert.True(expected.Distinct().Count() > 10, "the model gives different rows different scores");

        var result = Csv(WriteTestRows("no-label.csv", Spec.Skip(1).ToArray()));

        Assert.True(result.Exit == 0, result.Error);
        Assert.Equal("pclass,sex,age,sibsp,parch,fare,embarked,PredictedLabel,Score,Probability", result.Lines[0]);
        Assert.Equal(expected, Predictions(result.Lines));
        Assert.DoesNotContain("warning", result.Error);
    }

    [Fact]
    public void ReorderedColumnsGiveTheSamePredictionsAsTheInOrderFile()
    {
        var expected = InOrderPredictions();
        string[] reordered = ["embarked", "fare", "age", "sex", "pclass", "parch", "sibsp", "survived"];

        var result = Csv(WriteTestRows("reordered.csv", reordered));

        Assert.True(result.Exit == 0, result.Error);
        Assert.Equal(string.Join(",", reordered) + ",PredictedLabel,Score,Probability", result.Lines[0]);
        Assert.Equal(expected, Predictions(result.Lines));
        // The input columns pass through under their own names: row 1's sex is still row 1's sex.
        Assert.Equal(File.ReadAllLines(TestCsv)[1].Split(',')[2], result.Lines[1].Split(',')[3]);
    }

    [Fact]
    public void HeaderlessFilesInTheSpecOrderAreReadByPositionAndSaySo()
    {
        var expected = InOrderPredictions();

        var full = Csv(WriteTestRows("headerless.csv", Spec, header: false));
        Assert.True(full.Exit == 0, full.Error);
        Assert.Contains("has no header line", full.Output);
        Assert.Contains("spec's order: survived, pclass, sex, age, sibsp, parch, fare, embarked", full.Output);
        Assert.Equal(expected, Predictions(full.Lines));
        Assert.Equal(101, full.Lines.Length); // the first row is a row, not a header

        var withoutLabel = Csv(WriteTestRows("headerless-no-label.csv", Spec.Skip(1).ToArray(), header: false));
        Assert.True(withoutLabel.Exit == 0, withoutLabel.Error);
        Assert.Contains("(without the label 'survived')", withoutLabel.Output);
        Assert.Equal(expected, Predictions(withoutLabel.Lines));

        var wrongWidth = Csv(WriteTestRows("headerless-short.csv", ["pclass", "sex", "age"], header: false));
        Assert.Equal(2, wrongWidth.Exit);
        Assert.Contains("has no header", wrongWidth.Error);
        Assert.Contains("3 field(s)", wrongWidth.Error);
        Assert.Contains("survived, pclass, sex, age, sibsp, parch, fare, embarked", wrongWidth.Error);
    }

    [Fact]
    public void APipelineTrainedWithoutAHeaderReadsNewFilesInTheSpecOrderWithOrWithoutTheLabel()
    {
        var lines = File.ReadAllLines(Evaluation.TestPipeline.DataPath("titanic.csv"));
        var train = Path.Combine(_work, "headerless-train.csv");
        File.WriteAllLines(train, lines.Skip(1));
        var pipeline = Evaluation.BinaryPipeline.Titanic(s => s with { HasHeader = false, TrainDataPath = train, Metric = "auc" });
        var model = Path.Combine(_work, "headerless.zip");
        TrainStep.Train(new Microsoft.ML.MLContext(seed: 1), pipeline, new TrainOptions { ModelPath = model });

        var rows = lines.Skip(1).Take(40).ToArray();
        var full = Path.Combine(_work, "new-full.csv");
        File.WriteAllLines(full, rows);
        var noLabel = Path.Combine(_work, "new-no-label.csv");
        File.WriteAllLines(noLabel, rows.Select(l => l[(l.IndexOf(',') + 1)..])); // survived is the first column
        var outputs = new List<string[]>();
        foreach (var input in new[] { full, noLabel })
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var scored = input + ".scored.csv";
            Assert.True(PredictStep.RunCsv(pipeline, input, scored, model, output, error) == 0, error.ToString());
            Assert.Contains("has no header line (the pipeline's data has no header line)", output.ToString());
            var written = File.ReadAllLines(scored);
            Assert.Equal(41, written.Length); // every line is a row
            outputs.Add(Predictions(written));
        }
        Assert.True(outputs[0].Distinct().Count() > 5);
        Assert.Equal(outputs[0], outputs[1]);
    }

    [Fact]
    public void AValueThatWouldLookLikeACommentInTheTrainingLayoutStillGetsItsRow()
    {
        // survived (text here) is first in the spec: "//x" there would start the rewritten line, and the loader skips
        // lines starting with "//" as comments, which would misalign every later prediction.
        var pipeline = Evaluation.BinaryPipeline.Titanic(s => s with { Metric = "auc" });
        var model = Path.Combine(_work, "comment.zip");
        TrainStep.Train(new Microsoft.ML.MLContext(seed: 1), pipeline, new TrainOptions { ModelPath = model });
        var lines = File.ReadAllLines(Evaluation.TestPipeline.DataPath("titanic.csv")).Take(21).ToArray();
        var input = Path.Combine(_work, "comment.csv");
        File.WriteAllLines(input, lines.Select((l, i) =>
        {
            var cut = l.IndexOf(',');
            return l[(cut + 1)..] + "," + (i == 3 ? "//x" : l[..cut]); // label moved last; row 3's label looks like a comment
        }));
        var scored = Path.Combine(_work, "comment.scored.csv");
        var error = new StringWriter();

        Assert.True(PredictStep.RunCsv(pipeline, input, scored, model, TextWriter.Null, error) == 0, error.ToString());

        var written = File.ReadAllLines(scored);
        Assert.Equal(21, written.Length);
        Assert.Equal("//x", written[3].Split(',')[5]);
    }

    [Fact]
    public void AHeaderThatNamesNoColumnIsNotMistakenForData()
    {
        var path = Path.Combine(_work, "renamed.csv");
        File.WriteAllLines(path, ["a,b,c,d,e,f,g,h", "1,3,male,22,0,0,7.25,S"]);

        var result = Csv(path);

        Assert.Equal(2, result.Exit);
        Assert.Contains("looks like a header", result.Error);
        Assert.Contains("line 1", result.Error);
    }

    [Fact]
    public void AFileWithAnotherSeparatorSaysSo()
    {
        var semicolons = Path.Combine(_work, "semicolons.csv");
        File.WriteAllLines(semicolons, File.ReadAllLines(TestCsv).Select(l => l.Replace(',', ';')));

        var result = Csv(semicolons);

        Assert.Equal(2, result.Exit);
        Assert.Contains("splits into the pipeline's column names on ';', but the pipeline reads fields separated by ','", result.Error);
    }

    [Fact]
    public void AFileThatIsNotAModelIsExit2NamingIt()
    {
        var notAModel = Path.Combine(_work, "broken.zip");
        File.WriteAllText(notAModel, "this is not a zip file");

        var result = Cli("predict", "--input", TestCsv, "--output", Path.Combine(_work, "o.csv"), "--model", notAModel);

        Assert.Equal(2, result.Exit);
        Assert.Contains($"cannot load the model '{notAModel}'", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void AMissingValueWhereTrainingHadNoneIsPredictedWithAWarning()
    {
        var json = Json("""{"pclass": 3, "sex": "male", "age": 30, "sibsp": 0, "parch": 0, "fare": null, "embarked": "S"}""");
        Assert.True(json.Exit == 0, json.Error);
        Assert.Contains("'fare': missing, but the training data had no missing values in 'fare'", json.Output);

        var csv = Csv(WriteTestRows("blank-fare.csv", Spec, change: (r, c, v) => r == 0 && c == "fare" ? "" : v));
        Assert.True(csv.Exit == 0, csv.Error);
        Assert.Contains("warning: 'fare': 1 row(s) ('' on line 2): missing, but the training data had no missing values in 'fare'", csv.Error);
    }

    [Fact]
    public void AMissingFeatureColumnIsAnErrorNamingItUnlessTrainingHadMissingValuesThere()
    {
        var noFare = Csv(WriteTestRows("no-fare.csv", Spec.Where(c => c != "fare").ToArray()));
        Assert.Equal(2, noFare.Exit);
        Assert.Contains("no column 'fare'", noFare.Error);
        Assert.Contains("no-fare.csv", noFare.Error);
        Assert.DoesNotContain("   at ", noFare.Error);

        // age had missing values in training (the pipeline fills them): a file without it is scored, with a warning.
        var noAge = Csv(WriteTestRows("no-age.csv", Spec.Where(c => c != "age").ToArray()));
        Assert.True(noAge.Exit == 0, noAge.Error);
        Assert.Contains("warning: ", noAge.Error);
        Assert.Contains("no column 'age'", noAge.Error);
        Assert.Equal(101, noAge.Lines.Length);
    }

    [Fact]
    public void AnExtraColumnIsIgnoredWithANote()
    {
        var expected = InOrderPredictions();
        var path = WriteTestRows("extra.csv", ["cabin", .. Spec], change: (r, c, v) => c == "cabin" ? "C" + r.ToString(CultureInfo.InvariantCulture) : v);
        var result = Csv(path);

        Assert.True(result.Exit == 0, result.Error);
        Assert.Contains("Note: ", result.Output);
        Assert.Contains("has 1 column the pipeline does not use: 'cabin'; ignored", result.Output);
        Assert.Contains("does not use", result.Output);
        Assert.Equal(string.Join(",", Spec) + ",PredictedLabel,Score,Probability", result.Lines[0]);
        Assert.Equal(expected, Predictions(result.Lines));
    }

    [Fact]
    public void AValueOfTheWrongTypeInTheFileNamesLineAndColumn()
    {
        var path = WriteTestRows("thirty.csv", Spec, change: (r, c, v) => r == 2 && c == "age" ? "thirty" : v);

        var result = Csv(path);

        Assert.Equal(2, result.Exit);
        Assert.Contains("thirty.csv: line 4, column 4 ('age'): 'thirty' is not a number.", result.Error);
    }

    [Fact]
    public void A_number_beyond_a_32_bit_float_is_refused_in_a_file_and_in_json_as_the_service_refuses_it()
    {
        // 1e39 was read as infinity and scored with exit 0 (the output file rewrote the cell as 'Infinity'), while a
        // literal 'Infinity' was refused and serve answered 400: one value, three answers.
        var path = WriteTestRows("huge.csv", Spec, change: (r, c, v) => r == 2 && c == "fare" ? "1e39" : v);
        var file = Csv(path);
        Assert.Equal(2, file.Exit);
        Assert.Contains("huge.csv: line 4, column 7 ('fare'): '1e39' is beyond the range of a 32-bit float (about ±3.4e38), in which numbers are read, so it would be read as infinity", file.Error);

        var json = Json("""{"pclass": 3, "sex": "male", "age": 30, "sibsp": 0, "parch": 0, "fare": 1e308, "embarked": "S"}""");
        Assert.Equal(2, json.Exit);
        Assert.Contains("'fare' = 1e308 is outside the range of a 32-bit float (about ±3.4e38)", json.Error);
        Assert.Equal("", json.Output);

        // The largest float itself is a number like any other.
        Assert.Equal(0, Json("""{"pclass": 3, "sex": "male", "age": 30, "sibsp": 0, "parch": 0, "fare": 3.4e38, "embarked": "S"}""").Exit);
    }

    [Fact]
    public void UnseenCategoriesAndFarOutNumbersInAFileArePredictedWithWarnings()
    {
        var path = WriteTestRows("odd.csv", Spec, change: (r, c, v) => (r, c) switch
        {
            (1, "embarked") => "X",
            (4, "age") => "500",
            _ => v,
        });

        var result = Csv(path);

        Assert.True(result.Exit == 0, result.Error);
        Assert.Equal(101, result.Lines.Length);
        Assert.Contains("'embarked': 1 row(s) ('X' on line 3): a category not seen in training (seen: C, Q, S)", result.Error);
        Assert.Contains("'age': 1 row(s) ('500' on line 6): far outside the training range [", result.Error);
    }

    [Fact]
    public void JsonValueOfTheWrongTypeIsExit2NamingTheFieldAndTheType()
    {
        var result = Json("""{"pclass": 3, "sex": "male", "age": "thirty", "sibsp": 0, "parch": 0, "fare": 7.5, "embarked": "S"}""");

        Assert.Equal(2, result.Exit);
        Assert.Contains("JSON property 'age' must be a number", result.Error);
        Assert.Contains("\"thirty\"", result.Error);
        Assert.Equal("", result.Output);

        var boolean = Json("""{"pclass": 3, "sex": "male", "age": 30, "sibsp": 0, "parch": 0, "fare": true, "embarked": "S"}""");
        Assert.Equal(2, boolean.Exit);
        Assert.Contains("'fare' must be a number", boolean.Error);

        // A number written as a string is refused, as the service refuses it (one request, one answer in both).
        var quoted = Json("""{"pclass": 3, "sex": "male", "age": "30", "sibsp": 0, "parch": 0, "fare": 7.5, "embarked": "S"}""");
        Assert.Equal(2, quoted.Exit);
        Assert.Contains("JSON property 'age' must be a number (column 'age' is numeric), not the string \"30\".", quoted.Error);
    }

    [Fact]
    public void JsonStringInANumberColumnIsMissingWhenExactlyAMissingTokenAndAnErrorOtherwise()
    {
        static string Row(string age) => $$"""{"pclass": 3, "sex": "male", "age": {{age}}, "sibsp": 0, "parch": 0, "fare": 7.5, "embarked": "S"}""";
        var missing = Json(Row("null"));
        Assert.True(missing.Exit == 0, missing.Error);
        // "NA" and "" are missing tokens of the spec (data.missing_values' defaults): the same prediction as null.
        foreach (var token in new[] { "\"NA\"", "\"\"" })
        {
            var result = Json(Row(token));
            Assert.True(result.Exit == 0, result.Error);
            Assert.Equal(missing.Output, result.Output);
        }
        Assert.NotEqual(missing.Output, Json(Row("80")).Output);
        // Not exactly a token (case, blanks): an error naming the field and what to send, not a guess.
        foreach (var other in new[] { "\"na\"", "\" NA\"", "\"unknown\"" })
        {
            var result = Json(Row(other));
            Assert.Equal(2, result.Exit);
            Assert.Contains("JSON property 'age' must be a number", result.Error);
            Assert.Contains("Send null, or exactly one of the missing tokens \"\", \"?\", \"NA\", \"NaN\", \"null\" as a string, when missing.", result.Error);
        }
    }

    /// <summary>The trained model read with <paramref name="column"/>'s own missing tokens (data.columns.NAME.missing_values).</summary>
    private sealed class OwnTokensPipeline : TitanicTestPipeline
    {
        public OwnTokensPipeline(string project, string column, params string[] tokens) : base(project) =>
            Settings = Settings with { Columns = Settings.Columns.Select(c => c.Name == column ? c with { MissingTokens = tokens } : c).ToArray() };
    }

    private static (int Exit, string Output, string Error) Json(IPipelineDefinition pipeline, string json)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = PredictStep.RunJson(pipeline, json, null, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void JsonColumnsOwnMissingTokenIsMissingInThatColumnOnly()
    {
        static string Row(string age, string fare = "7.5") => $$"""{"pclass": 3, "sex": "male", "age": {{age}}, "sibsp": 0, "parch": 0, "fare": {{fare}}, "embarked": "S"}""";
        var ageCoded = new OwnTokensPipeline(trained.Project, "age", "-1");
        var unknown = Json(ageCoded, Row("null"));
        Assert.True(unknown.Exit == 0, unknown.Error);
        // In age, -1 (as a number or exactly the string) is an unknown age: the same prediction as null.
        foreach (var coded in new[] { "-1", "\"-1\"" })
        {
            var result = Json(ageCoded, Row(coded));
            Assert.True(result.Exit == 0, result.Error);
            Assert.Equal(unknown.Output, result.Output);
        }
        // fare lists no token of its own: the string "-1" there is refused, naming fare's tokens (the global ones).
        var fare = Json(ageCoded, Row("30", "\"-1\""));
        Assert.Equal(2, fare.Exit);
        Assert.Contains("JSON property 'fare' must be a number", fare.Error);
        Assert.Contains("exactly one of the missing tokens \"\", \"?\", \"NA\", \"NaN\", \"null\" as a string", fare.Error);

        // With the token on another column, -1 is an age (the model's reading of a real value, not of a gap).
        var fareCoded = new OwnTokensPipeline(trained.Project, "fare", "-1");
        Assert.NotEqual(Json(fareCoded, Row("null")).Output, Json(fareCoded, Row("-1")).Output);
    }

    [Fact]
    public void JsonWithoutAFeatureTheModelNeedsNamesIt()
    {
        var result = Json("""{"pclass": 3, "sex": "male", "age": 30, "sibsp": 0, "parch": 0, "embarked": "S"}""");

        Assert.Equal(2, result.Exit);
        Assert.Contains("'fare'", result.Error);

        // age may be missing (training had missing ages): no error, no warning.
        var noAge = Json("""{"pclass": 3, "sex": "male", "sibsp": 0, "parch": 0, "fare": 7.5, "embarked": "S"}""");
        Assert.True(noAge.Exit == 0, noAge.Error);
        Assert.DoesNotContain("Warnings", noAge.Output);
    }

    [Fact]
    public void JsonUnseenCategoryAndFarOutNumberStillPredictWithWarnings()
    {
        var plain = Json("""{"pclass": 3, "sex": "male", "age": 30, "sibsp": 0, "parch": 0, "fare": 7.5, "embarked": "S"}""");
        Assert.True(plain.Exit == 0, plain.Error);
        using (var doc = JsonDocument.Parse(plain.Output))
            Assert.False(doc.RootElement.TryGetProperty("Warnings", out _));

        var unseen = Json("""{"pclass": 3, "sex": "male", "age": 30, "sibsp": 0, "parch": 0, "fare": 7.5, "embarked": "Atlantis"}""");
        Assert.True(unseen.Exit == 0, unseen.Error);
        using (var doc = JsonDocument.Parse(unseen.Output))
        {
            Assert.InRange(doc.RootElement.GetProperty("Probability").GetDouble(), 0, 1);
            var warning = Assert.Single(doc.RootElement.GetProperty("Warnings").EnumerateArray()).GetString();
            Assert.Equal("'embarked' = 'Atlantis': a category not seen in training (seen: C, Q, S); predicted anyway, but the model learned nothing about this value.", warning);
        }
        Assert.Contains("warning: 'embarked' = 'Atlantis'", unseen.Error);
        Assert.Contains("\"Warnings\":[\"'embarked' = 'Atlantis'", unseen.Output); // readable, not \u0027

        var farOut = Json("""{"pclass": 3, "sex": "male", "age": 30, "sibsp": 0, "parch": 0, "fare": 1e6, "embarked": "S"}""");
        Assert.True(farOut.Exit == 0, farOut.Error);
        using (var doc = JsonDocument.Parse(farOut.Output))
        {
            var warning = Assert.Single(doc.RootElement.GetProperty("Warnings").EnumerateArray()).GetString()!;
            Assert.StartsWith("'fare' = '1e6': far outside the training range [0, ", warning);
            Assert.Contains("by more than 10% of its width", warning);
        }

        // Just outside the range (within 10% of its width) is not "far".
        var profile = TrainingProfile.TryReadFor(trained.ModelPath, out var why);
        Assert.True(profile is not null, why);
        var maxFare = profile.Columns["fare"].Max!.Value;
        var near = Json($$"""{"pclass": 3, "sex": "male", "age": 30, "sibsp": 0, "parch": 0, "fare": {{(maxFare + 1).ToString(CultureInfo.InvariantCulture)}}, "embarked": "S"}""");
        Assert.DoesNotContain("Warnings", near.Output);
    }

    [Fact]
    public void TrainWritesAProfileOfTheTrainingDataTiedToTheModel()
    {
        var profile = TrainingProfile.TryReadFor(trained.ModelPath, out var why);

        Assert.True(profile is not null, why);
        Assert.Equal(FileHash.Sha256(trained.ModelPath), profile.ModelSha256);
        Assert.Equal(300, profile.Rows);
        Assert.Equal(["C", "Q", "S"], profile.Columns["embarked"].Categories);
        Assert.Equal(1, profile.Columns["embarked"].Missing);
        Assert.Equal(["female", "male"], profile.Columns["sex"].Categories);
        var ages = File.ReadAllLines(Path.Combine(trained.Project, "titanic_train.csv")).Skip(1).Select(l => l.Split(',')[3])
            .Where(a => a.Length > 0).Select(a => double.Parse(a, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(ages.Min(), profile.Columns["age"].Min!.Value, 4);
        Assert.Equal(ages.Max(), profile.Columns["age"].Max!.Value, 4);
        Assert.Equal(300 - ages.Length, profile.Columns["age"].Missing);
        Assert.DoesNotContain("survived", profile.Columns.Keys); // the label is not a feature
    }

    [Fact]
    public void AModelWithoutAProfileStillPredictsAndSaysValuesAreNotChecked()
    {
        var model = Path.Combine(_work, "copy.zip");
        File.Copy(trained.ModelPath, model);
        var output = new StringWriter();

        var exit = PredictStep.RunCsv(Pipeline, TestCsv, Path.Combine(_work, "out.csv"), model, output, TextWriter.Null);

        Assert.Equal(0, exit);
        Assert.Contains("there is no training profile beside the model", output.ToString());
        Assert.Contains("not compared with the training data", output.ToString());

        var json = new StringWriter();
        var jsonError = new StringWriter();
        Assert.Equal(0, PredictStep.RunJson(Pipeline, """{"pclass": 3, "sex": "male", "age": 30, "sibsp": 0, "parch": 0, "fare": 7.5, "embarked": "Atlantis"}""", model, json, jsonError));
        Assert.DoesNotContain("Warnings", json.ToString()); // nothing to compare with: no claim either way
        Assert.Contains("note: there is no training profile beside the model", jsonError.ToString());
        using var answer = JsonDocument.Parse(json.ToString()); // stdout is still pure JSON
    }

    [Fact]
    public void ALoneSurrogateInJsonIsExit2NotACrash()
    {
        var raw = Json("{\"pclass\": 3, \"sex\": \"ma\uD800le\", \"age\": 30, \"sibsp\": 0, \"parch\": 0, \"fare\": 7.5, \"embarked\": \"S\"}");
        Assert.Equal(2, raw.Exit);
        Assert.Contains("lone UTF-16 surrogate (U+D800)", raw.Error);

        var escaped = Json("""{"pclass": 3, "sex": "ma\ud800le", "age": 30, "sibsp": 0, "parch": 0, "fare": 7.5, "embarked": "S"}""");
        Assert.Equal(2, escaped.Exit);
        Assert.Contains("the value of 'sex' is not valid Unicode", escaped.Error);

        var name = Json("""{"se\udc00x": "male"}""");
        Assert.Equal(2, name.Exit);
        Assert.Contains("a property name is not valid Unicode", name.Error);

        var cli = Cli("predict", "--json", """{"pclass": 3, "sex": "ma\ud800le", "age": 30, "sibsp": 0, "parch": 0, "fare": 7.5, "embarked": "S"}""");
        Assert.Equal(2, cli.Exit);
        Assert.DoesNotContain("   at ", cli.Error);
    }

    [Fact]
    public void ANulCharacterInAPathIsExit2NamingThePath()
    {
        foreach (var args in new[]
        {
            new[] { "predict", "--input", "data\0.csv" },
            ["predict", "--input", TestCsv, "--output", "out\0.csv"],
            ["predict", "--input", TestCsv, "--model", "model\0.zip"],
            ["predict", "--json", "{\"age\": 3}", "--model", "model\0.zip"],
        })
        {
            var result = Cli(args);
            Assert.Equal(2, result.Exit);
            Assert.Contains("contains a NUL character (\\0)", result.Error);
            Assert.Contains("\\0.", result.Error); // the path is shown, with the NUL escaped
            Assert.DoesNotContain("   at ", result.Error);
        }
    }

    [Fact]
    public void AnUnwritableOutputLocationIsExit2NamingThePathAndTheReason()
    {
        var blocker = Path.Combine(_work, "not-a-folder");
        File.WriteAllText(blocker, "a file where a folder should be");
        var underAFile = Path.Combine(blocker, "scored.csv");

        var result = Cli("predict", "--input", TestCsv, "--output", underAFile);

        Assert.Equal(2, result.Exit);
        Assert.Contains($"cannot write the predictions to '{underAFile}'", result.Error);
        Assert.DoesNotContain("   at ", result.Error);

        // A read-only location: sysfs is mounted read-only even for root (where a chmod'ed folder would not stop us).
        var readOnly = OperatingSystem.IsLinux() && Directory.Exists("/sys/fs") ? "/sys/fs/pipelinegen-scored.csv" : null;
        if (readOnly is null) return;
        var denied = Cli("predict", "--input", TestCsv, "--output", readOnly);
        Assert.Equal(2, denied.Exit);
        Assert.Contains($"cannot write the predictions to '{readOnly}'", denied.Error);
        Assert.DoesNotContain("   at ", denied.Error);
    }
}
