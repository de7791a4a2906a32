using System;
using System.Collections.Generic;
using System.IO;

namespace Consumer;

[AttributeUsage(AttributeTargets.Method)]
public sealed class HotPathAttribute : Attribute
{
}

public static class Buffers
{
    public static long Copy(Stream source, Stream destination)
    {
        long total = 0;
        while (true)
        {
            var buffer = new byte[81920]; // expect-strict BND3001
            int read = source.Read(buffer, 0, buffer.Length);
            if (read == 0)
            {
                break;
            }

            destination.Write(buffer, 0, read);
            total += read;
        }

        return total;
    }

    public static void Backup(Stream input, Stream output)
    {
        var block = new byte[1024 * 1024]; // expect-strict BND3001
        int read;
        while ((read = input.Read(block, 0, block.Length)) > 0)
        {
            output.Write(block, 0, read);
        }
    }

    [HotPath]
    public static void WriteLength(Stream output, int length)
    {
        var prefix = new byte[4]; // expect-strict BND3001
        BitConverter.TryWriteBytes(prefix, length);
        output.Write(prefix);
    }

    // Not reported: the chunks are the product.
    public static List<byte[]> Split(Stream input, int chunkSize)
    {
        var chunks = new List<byte[]>();
        while (true)
        {
            var chunk = new byte[chunkSize];
            int read = input.ReadAtLeast(chunk, chunkSize, throwOnEndOfStream: false);
            if (read == 0)
            {
                break;
            }

            chunks.Add(read == chunkSize ? chunk : chunk[..read]);
        }

        return chunks;
    }
}
