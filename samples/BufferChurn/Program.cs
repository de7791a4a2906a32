using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace BufferChurn;

/// <summary>
/// The code BND3001 reports, next to the code its fixes write, run on the same input: a 2 GiB stream copy
/// (81,920-byte buffer: hoist and ArrayPool), the same copy with a 128 KiB buffer (Large Object Heap), and a million
/// messages serialized one by one (ArrayPool). Each variant prints a checksum so the results can be compared.
/// </summary>
public static class Program
{
    private const long StreamBytes = 2L * 1024 * 1024 * 1024;
    private const int Messages = 1_000_000;

    public static void Main()
    {
        Console.WriteLine($"{"scenario",-34} {"variant",-10} {"allocated",14} {"gen0",6} {"gen1",6} {"gen2",6} {"ms",8}  checksum");
        Measure("copy 2 GiB, 80 KB buffer", "before", () => Copy.Before(new PatternStream(StreamBytes), new ChecksumStream(), 81920));
        Measure("copy 2 GiB, 80 KB buffer", "hoisted", () => Copy.Hoisted(new PatternStream(StreamBytes), new ChecksumStream(), 81920));
        Measure("copy 2 GiB, 80 KB buffer", "pooled", () => Copy.Pooled(new PatternStream(StreamBytes), new ChecksumStream(), 81920));
        Measure("copy 2 GiB, 128 KB buffer (LOH)", "before", () => Copy.Before(new PatternStream(StreamBytes), new ChecksumStream(), 131072));
        Measure("copy 2 GiB, 128 KB buffer (LOH)", "hoisted", () => Copy.Hoisted(new PatternStream(StreamBytes), new ChecksumStream(), 131072));
        Measure("copy 2 GiB, 128 KB buffer (LOH)", "pooled", () => Copy.Pooled(new PatternStream(StreamBytes), new ChecksumStream(), 131072));
        Measure("serialize 1,000,000 messages", "before", () => Serializer.Before(MessageSource(), new ChecksumStream()));
        Measure("serialize 1,000,000 messages", "pooled", () => Serializer.Pooled(MessageSource(), new ChecksumStream()));
    }

    private static IEnumerable<string> MessageSource()
    {
        for (var i = 0; i < Messages; i++)
        {
            yield return "{\"id\":" + i + ",\"type\":\"order.created\",\"customer\":\"c-" + (i % 977) + "\",\"total\":" + (i % 10_000) + "}";
        }
    }

    private static void Measure(string scenario, string variant, Func<long> run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var checksum = run();
        watch.Stop();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Console.WriteLine(
            $"{scenario,-34} {variant,-10} {allocated,14:N0} {GC.CollectionCount(0) - gen0,6} {GC.CollectionCount(1) - gen1,6} {GC.CollectionCount(2) - gen2,6} {watch.ElapsedMilliseconds,8}  {checksum:X16}");
    }
}

/// <summary>
/// BND3001 in a copy loop, and the two fixes' output. The size is a parameter so one copy serves both the 80 KB and
/// the 128 KiB (Large Object Heap) run; it is loop-invariant, so the hoist fix applies as it does to a constant.
/// </summary>
public static class Copy
{
    public static long Before(Stream source, ChecksumStream destination, int bufferSize)
    {
        while (true)
        {
            var buffer = new byte[bufferSize];
            int read = source.Read(buffer, 0, buffer.Length);
            if (read == 0)
            {
                break;
            }

            destination.Write(buffer, 0, read);
        }

        return destination.Checksum;
    }

    public static long Hoisted(Stream source, ChecksumStream destination, int bufferSize)
    {
        var buffer = new byte[bufferSize];
        while (true)
        {
            int read = source.Read(buffer, 0, buffer.Length);
            if (read == 0)
            {
                break;
            }

            destination.Write(buffer, 0, read);
        }

        return destination.Checksum;
    }

    public static long Pooled(Stream source, ChecksumStream destination, int bufferSize)
    {
        while (true)
        {
            var bufferLength = bufferSize;
            var buffer = ArrayPool<byte>.Shared.Rent(bufferLength);
            try
            {
                int read = source.Read(buffer, 0, bufferLength);
                if (read == 0)
                {
                    break;
                }

                destination.Write(buffer, 0, read);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return destination.Checksum;
    }
}

/// <summary>A per-message buffer sized from the message (not loop-invariant: only the ArrayPool fix applies).</summary>
public static class Serializer
{
    public static long Before(IEnumerable<string> messages, ChecksumStream output)
    {
        foreach (var message in messages)
        {
            var payload = new byte[Encoding.UTF8.GetMaxByteCount(message.Length)];
            int length = Encoding.UTF8.GetBytes(message, 0, message.Length, payload, 0);
            output.Write(payload, 0, length);
        }

        return output.Checksum;
    }

    public static long Pooled(IEnumerable<string> messages, ChecksumStream output)
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

        return output.Checksum;
    }
}

/// <summary>A read-only stream of <c>length</c> pattern bytes that allocates nothing per read.</summary>
public sealed class PatternStream : Stream
{
    private readonly long _length;
    private long _position;

    public PatternStream(long length) => _length = length;

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, _length - _position);
        for (var i = 0; i < n; i++)
        {
            buffer[offset + i] = (byte)((_position + i) * 31 >> 3);
        }

        _position += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A write-only sink that keeps a running checksum of what it was given.</summary>
public sealed class ChecksumStream : Stream
{
    public long Checksum { get; private set; } = 17;

    public override void Write(byte[] buffer, int offset, int count)
    {
        var sum = Checksum;
        var span = buffer.AsSpan(offset, count);
        for (var i = 0; i < span.Length; i += 64)
        {
            sum = sum * 31 + span[i];
        }

        Checksum = sum + count;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => 0; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
