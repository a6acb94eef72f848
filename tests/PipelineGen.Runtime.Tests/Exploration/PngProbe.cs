using System.Buffers.Binary;
using System.IO.Compression;

namespace PipelineGen.Runtime.Tests.Exploration;

/// <summary>Just enough PNG decoding (8-bit RGB/RGBA, non-interlaced) to ask "how many colours does this screenshot have?".</summary>
internal static class PngProbe
{
    public static (int Width, int Height, int DistinctColors) Inspect(string path) => Inspect(path, null);

    /// <summary>How many pixels have exactly this colour (0xRRGGBB): e.g. a chart's series colour, to see the chart was drawn.</summary>
    public static int PixelsOf(string path, int rgb)
    {
        int count = 0;
        Inspect(path, c => { if (c == rgb) count++; });
        return count;
    }

    private static (int Width, int Height, int DistinctColors) Inspect(string path, Action<int>? onPixel)
    {
        var bytes = File.ReadAllBytes(path);
        if (!bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }))
            throw new InvalidDataException($"{path} is not a PNG file.");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (int pos = 8; pos < bytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(pos));
            var type = System.Text.Encoding.ASCII.GetString(bytes, pos + 4, 4);
            var data = bytes.AsSpan(pos + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                if (data[8] != 8 || data[12] != 0) throw new NotSupportedException("only 8-bit non-interlaced PNGs");
                channels = data[9] switch { 2 => 3, 6 => 4, _ => throw new NotSupportedException($"PNG colour type {data[9]}") };
            }
            else if (type == "IDAT") idat.Write(data);
            pos += 12 + length;
        }
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(inflated);
        var raw = inflated.ToArray();

        var stride = width * channels;
        var previous = new byte[stride];
        var current = new byte[stride];
        var colors = new HashSet<int>();
        for (int y = 0; y < height; y++)
        {
            var offset = y * (stride + 1);
            var filter = raw[offset];
            for (int x = 0; x < stride; x++)
            {
                int a = x >= channels ? current[x - channels] : 0, b = previous[x], c = x >= channels ? previous[x - channels] : 0;
                int value = raw[offset + 1 + x];
                value += filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"PNG filter {filter}"),
                };
                current[x] = (byte)value;
            }
            for (int x = 0; x < stride; x += channels)
            {
                int color = current[x] << 16 | current[x + 1] << 8 | current[x + 2];
                colors.Add(color);
                onPixel?.Invoke(color);
            }
            (previous, current) = (current, previous);
        }
        return (width, height, colors.Count);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
