using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Showcase;

[AttributeUsage(AttributeTargets.Method)]
public sealed class HotPathAttribute : Attribute
{
}

public static class Memory
{
    public static void Run()
    {
        var input = new byte[64 * 1024];
        new Random(1).NextBytes(input);
        var copied = new MemoryStream();
        CopyPerRead(new MemoryStream(input), copied);
        CopyHoisted(new MemoryStream(input), new MemoryStream());
        SerializePerMessage(new[] { "a", "b", "c" }, new MemoryStream());
        SerializePooled(new[] { "a", "b", "c" }, new MemoryStream());
        WriteLength(new MemoryStream(), 42);
        Console.WriteLine($"Memory: copied {copied.Length:N0} bytes; {Split(new MemoryStream(input), 4096).Count} chunks");
    }

    // BND3001: a new 80 KB buffer for every read.
    public static void CopyPerRead(Stream source, Stream destination)
    {
        while (true)
        {
            var buffer = new byte[81920];
            int read = source.Read(buffer, 0, buffer.Length);
            if (read == 0)
            {
                break;
            }

            destination.Write(buffer, 0, read);
        }
    }

    // Correct: one buffer for the whole copy (what the hoist fix writes).
    public static void CopyHoisted(Stream source, Stream destination)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            destination.Write(buffer, 0, read);
        }
    }

    // BND3001: a buffer per message, sized from the message.
    public static void SerializePerMessage(IEnumerable<string> messages, Stream output)
    {
        foreach (var message in messages)
        {
            var payload = new byte[Encoding.UTF8.GetMaxByteCount(message.Length)];
            int length = Encoding.UTF8.GetBytes(message, 0, message.Length, payload, 0);
            output.Write(payload, 0, length);
        }
    }

    // Correct: rented and returned (what the ArrayPool fix writes).
    public static void SerializePooled(IEnumerable<string> messages, Stream output)
    {
        foreach (var message in messages)
        {
            var payloadLength = Encoding.UTF8.GetMaxByteCount(message.Length);
            var payload = ArrayPool<byte>.Shared.Rent(payloadLength);
            try
            {
                int length = Encoding.UTF8.GetBytes(message, 0, message.Length, payload, 0);
                output.Write(payload, 0, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(payload);
            }
        }
    }

    // BND3001: a small array on every call of a [HotPath] member (the stackalloc fix applies).
    [HotPath]
    public static void WriteLength(Stream output, int length)
    {
        var prefix = new byte[4];
        BitConverter.TryWriteBytes(prefix, length);
        output.Write(prefix);
    }

    // Correct look-alike: the chunks are the product, so each needs its own array.
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
