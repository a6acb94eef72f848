using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Training;
using Xunit;

namespace PipelineGen.Runtime.Tests.Training;

public sealed class ModelStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-store-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Row { public float X { get; set; } }

    /// <summary>A transformer whose serialization fails part-way, after the earlier chain parts were written.</summary>
    private sealed class FailingToSaveTransformer(ITransformer inner) : ITransformer
    {
        public bool IsRowToRowMapper => inner.IsRowToRowMapper;
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inner.GetOutputSchema(inputSchema);
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => inner.GetRowToRowMapper(inputSchema);
        public IDataView Transform(IDataView input) => inner.Transform(input);
        void ICanSaveModel.Save(ModelSaveContext ctx) => throw new IOException("disk full (simulated)");
    }

    [Fact]
    public void AFailedSaveLeavesThePreviousModelIntactAndNoTemporaryFile()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { X = 1 }, new Row { X = 2 } });
        var good = ml.Transforms.CopyColumns("Y", "X").Fit(data);
        var path = Path.Combine(_dir, "model.zip");
        ModelStore.Save(ml, good, data.Schema, path);
        var before = File.ReadAllBytes(path);

        var failing = new TransformerChain<ITransformer>(ml.Transforms.CopyColumns("Z", "X").Fit(data), new FailingToSaveTransformer(good));
        Assert.ThrowsAny<Exception>(() => ModelStore.Save(ml, failing, data.Schema, path));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
        Assert.Equal([1f, 2f], ModelStore.Load(ml, path, out _).Transform(data).GetColumn<float>("Y").ToArray());
    }

    [Fact]
    public void AtomicWriteReplacesOnlyWhenTheContentIsComplete()
    {
        var path = Path.Combine(_dir, "nested", "file.txt");
        AtomicFile.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("partial new content"u8);
            throw new InvalidOperationException("writer crashed");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));

        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void LoadingAMissingModelSaysToTrainFirst()
    {
        var error = Assert.Throws<FileNotFoundException>(() => ModelStore.Load(new MLContext(), Path.Combine(_dir, "none.zip"), out _));
        Assert.Contains("train", error.Message);
    }
}
