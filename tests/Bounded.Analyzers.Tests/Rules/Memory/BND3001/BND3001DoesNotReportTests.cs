using System.Threading.Tasks;
using Bounded.Analyzers.Memory;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>BND3001: look-alikes that must stay quiet (the array escapes, or the allocation does not repeat).</summary>
public class BND3001DoesNotReportTests
{
    private const string Usings = """
        using System;
        using System.Buffers;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net.Sockets;
        using System.Security.Cryptography;
        using System.Text;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        """;

    private static Task Quiet(string source, string? editorConfig = null) =>
        Verify.AnalyzerAsync<HotPathArrayAllocationAnalyzer>(Usings + source, editorConfig);

    // The shape of Duplicati's metadata restore: names that fit use the 8 KB buffer; only a longer one gets its own array.
    [Fact]
    public Task OversizeFallbackOfAReusedBuffer() => Quiet("""
        static class MetadataReader
        {
            public static long CountCharacters(BinaryReader reader, long count)
            {
                var characters = 0L;
                var buffer = new byte[8 * 1024];
                for (var i = 0L; i < count; i++)
                {
                    var length = reader.ReadInt32();
                    var chunk = length > buffer.Length ? new byte[length] : buffer;
                    reader.BaseStream.ReadExactly(chunk, 0, length);
                    characters += Encoding.UTF8.GetCharCount(chunk, 0, length);
                }

                return characters;
            }
        }
        """);

    // A stack scratch buffer serves short runs; only a run longer than it gets its own array.
    [Fact]
    public Task OversizeFallbackOfAStackScratchBuffer() => Quiet("""
        static class RunDecoder
        {
            public static int Decode(Stream stream, int runs)
            {
                var total = 0;
                Span<byte> scratch = stackalloc byte[128];
                for (var i = 0; i < runs; i++)
                {
                    var length = stream.ReadByte() * 3;
                    Span<byte> run = length <= 128 ? scratch[..length] : new byte[length];
                    stream.ReadExactly(run);
                    total += run.Length;
                }

                return total;
            }
        }
        """);

    // grpc-dotnet's GrpcWebResponseStream: a larger header buffer only when the caller's is too short.
    [Fact]
    public Task StreamOverrideGrowsOnlyWhenTooShort() => Quiet("""
        sealed class TrailerStream : Stream
        {
            private const int HeaderLength = 5;
            private readonly Stream _inner;

            public TrailerStream(Stream inner) => _inner = inner;

            public override async ValueTask<int> ReadAsync(Memory<byte> data, CancellationToken cancellationToken = default)
            {
                var header = data;
                if (header.Length < HeaderLength)
                {
                    var larger = new byte[HeaderLength];
                    header.CopyTo(larger);
                    await _inner.ReadExactlyAsync(larger.AsMemory(header.Length), cancellationToken);
                    header = larger;
                }

                return header.Span[0];
            }

            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        }
        """);

    [Fact]
    public Task BufferAlreadyHoisted() => Quiet("""
        static class Copier
        {
            public static void Copy(Stream source, Stream destination)
            {
                var buffer = new byte[81920];
                int read;
                while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
                {
                    destination.Write(buffer, 0, read);
                }
            }
        }
        """);

    [Fact]
    public Task ChunksAreTheProduct() => Quiet("""
        static class Chunker
        {
            public static List<byte[]> Split(Stream input, int chunkSize)
            {
                var chunks = new List<byte[]>();
                while (true)
                {
                    var chunk = new byte[chunkSize];
                    int read = input.ReadAtLeast(chunk, chunkSize, throwOnEndOfStream: false);
                    if (read == 0) break;
                    chunks.Add(chunk);
                }

                return chunks;
            }
        }
        """);

    [Fact]
    public Task ChunksAddNewArrayDirectly() => Quiet("""
        static class Pages
        {
            public static List<byte[]> Allocate(int pages)
            {
                var list = new List<byte[]>();
                for (int i = 0; i < pages; i++)
                {
                    list.Add(new byte[4096]);
                }

                return list;
            }
        }
        """);

    [Fact]
    public Task YieldedChunks() => Quiet("""
        static class FileChunks
        {
            public static IEnumerable<byte[]> Read(string path, int size)
            {
                using var stream = File.OpenRead(path);
                while (true)
                {
                    var chunk = new byte[size];
                    int read = stream.ReadAtLeast(chunk, size, throwOnEndOfStream: false);
                    if (read == 0) yield break;
                    yield return read == size ? chunk : chunk[..read];
                }
            }
        }
        """);

    [Fact]
    public Task StoredInField() => Quiet("""
        sealed class LastFrame
        {
            private byte[] _last = Array.Empty<byte>();

            public void Pump(Stream input)
            {
                while (true)
                {
                    var frame = new byte[4096];
                    if (input.Read(frame, 0, frame.Length) == 0) break;
                    _last = frame;
                }
            }
        }
        """);

    [Fact]
    public Task StoredInDictionary() => Quiet("""
        sealed class BlobCache
        {
            private readonly Dictionary<string, byte[]> _cache = new();

            public void Load(IEnumerable<string> files)
            {
                foreach (var file in files)
                {
                    var data = new byte[new FileInfo(file).Length];
                    using var stream = File.OpenRead(file);
                    stream.ReadExactly(data);
                    _cache[file] = data;
                }
            }
        }
        """);

    [Fact]
    public Task CapturedByTaskRun() => Quiet("""
        sealed class Fanout
        {
            public async Task ProcessAsync(Stream input)
            {
                var tasks = new List<Task>();
                while (true)
                {
                    var block = new byte[65536];
                    int read = await input.ReadAsync(block, 0, block.Length);
                    if (read == 0) break;
                    tasks.Add(Task.Run(() => SHA256.HashData(block.AsSpan(0, read))));
                }

                await Task.WhenAll(tasks);
            }
        }
        """);

    [Fact]
    public Task MemoryStreamThatEscapes() => Quiet("""
        static class Splitter
        {
            public static List<Stream> Open(Stream input, int parts, int size)
            {
                var streams = new List<Stream>();
                for (int i = 0; i < parts; i++)
                {
                    var part = new byte[size];
                    input.ReadExactly(part);
                    streams.Add(new MemoryStream(part, writable: false));
                }

                return streams;
            }
        }
        """);

    [Fact]
    public Task GrowOnlyBufferAssignedToOuterVariable() => Quiet("""
        sealed class Framer
        {
            public void Write(IEnumerable<string> messages, Stream output)
            {
                byte[] buffer = new byte[256];
                foreach (var message in messages)
                {
                    int needed = Encoding.UTF8.GetMaxByteCount(message.Length);
                    if (buffer.Length < needed)
                    {
                        buffer = new byte[needed * 2];
                    }

                    int n = Encoding.UTF8.GetBytes(message, 0, message.Length, buffer, 0);
                    output.Write(buffer, 0, n);
                }
            }
        }
        """);

    [Fact]
    public Task StaticReadonlyBuffer() => Quiet("""
        static class Zeros
        {
            private static readonly byte[] Block = new byte[1 << 20];

            public static void Fill(Stream output, int blocks)
            {
                for (int i = 0; i < blocks; i++)
                {
                    output.Write(Block, 0, Block.Length);
                }
            }
        }
        """);

    [Fact]
    public Task SmallArrayInLoopBelowMinimum() => Quiet("""
        static class Lengths
        {
            public static void WriteAll(IEnumerable<int> values, Stream output)
            {
                foreach (var value in values)
                {
                    var bytes = new byte[4];
                    BitConverter.TryWriteBytes(bytes, value);
                    output.Write(bytes, 0, 4);
                }
            }
        }
        """);

    [Fact]
    public Task ArrayInitializerIsData() => Quiet("""
        static class Preamble
        {
            public static void WriteAll(IEnumerable<Stream> outputs)
            {
                foreach (var output in outputs)
                {
                    var bom = new byte[] { 0xEF, 0xBB, 0xBF };
                    output.Write(bom, 0, bom.Length);
                }
            }
        }
        """);

    [Fact]
    public Task ForInitializerRunsOnce() => Quiet("""
        static class Reader
        {
            public static long Count(Stream input)
            {
                long total = 0;
                int read;
                for (var buffer = new byte[8192]; (read = input.Read(buffer, 0, buffer.Length)) > 0;)
                {
                    total += read;
                }

                return total;
            }
        }
        """);

    [Fact]
    public Task ForeachCollectionRunsOnce() => Quiet("""
        static class Bytes
        {
            public static int CountZeros(Stream input)
            {
                int zeros = 0;
                foreach (var b in Read(input, new byte[4096]))
                {
                    if (b == 0) zeros++;
                }

                return zeros;
            }

            private static byte[] Read(Stream input, byte[] buffer)
            {
                int n = input.Read(buffer, 0, buffer.Length);
                return buffer[..n];
            }
        }
        """);

    [Fact]
    public Task AllocationFollowedByBreak() => Quiet("""
        static class Finder
        {
            public static byte[]? FindFrame(Stream input, byte marker)
            {
                byte[]? found = null;
                int b;
                while ((b = input.ReadByte()) >= 0)
                {
                    if (b != marker) continue;
                    var frame = new byte[1024];
                    input.ReadExactly(frame);
                    Console.WriteLine(frame[0]);
                    break;
                }

                return found;
            }
        }
        """);

    [Fact]
    public Task SelectLambdaProducesArrays() => Quiet("""
        static class Loader
        {
            public static byte[][] LoadAll(IEnumerable<string> files) =>
                files.Select(file =>
                {
                    var data = new byte[new FileInfo(file).Length];
                    using var s = File.OpenRead(file);
                    s.ReadExactly(data);
                    return data;
                }).ToArray();
        }
        """);

    [Fact]
    public Task LambdaDeclaredInLoopNotInvokedThere() => Quiet("""
        sealed class Handlers
        {
            private readonly List<Func<Stream, int>> _handlers = new();

            public void Register(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    _handlers.Add(stream =>
                    {
                        var buffer = new byte[4096];
                        return stream.Read(buffer, 0, buffer.Length);
                    });
                }
            }
        }
        """);

    [Fact]
    public Task UnawaitedWriteStillUsesBuffer() => Quiet("""
        sealed class Broadcaster
        {
            public async Task BroadcastAsync(IEnumerable<Stream> clients, string text)
            {
                var pending = new List<Task>();
                foreach (var client in clients)
                {
                    var payload = new byte[Encoding.UTF8.GetByteCount(text)];
                    Encoding.UTF8.GetBytes(text, payload);
                    pending.Add(client.WriteAsync(payload, 0, payload.Length));
                }

                await Task.WhenAll(pending);
            }
        }
        """);

    [Fact]
    public Task HandedToChannel() => Quiet("""
        sealed class Producer
        {
            public async Task ProduceAsync(Stream input, ChannelWriter<byte[]> writer, CancellationToken ct)
            {
                while (true)
                {
                    var block = new byte[16384];
                    int read = await input.ReadAsync(block, ct);
                    if (read == 0) break;
                    await writer.WriteAsync(block, ct);
                }
            }
        }
        """);

    [Fact]
    public Task ElementTypeNotConfigured() => Quiet("""
        static class Histogram
        {
            public static int Peak(IEnumerable<byte[]> images)
            {
                int peak = 0;
                foreach (var image in images)
                {
                    var counts = new int[256];
                    foreach (var b in image) counts[b]++;
                    peak = Math.Max(peak, counts.Max());
                }

                return peak;
            }
        }
        """);

    [Fact]
    public Task LargeArrayInStaticConstructorAndInitializers() => Quiet("""
        sealed class Tables
        {
            private static readonly byte[] Lookup;
            private readonly byte[] _scratch = new byte[1 << 20];

            static Tables()
            {
                Lookup = new byte[1 << 20];
            }

            public Tables()
            {
                Buffer = new byte[200_000];
            }

            public byte[] Buffer { get; }
        }
        """);

    [Fact]
    public Task LargeArrayReturnedToCaller() => Quiet("""
        static class Files
        {
            public static byte[] ReadHeader(string path)
            {
                var header = new byte[100_000];
                using var s = File.OpenRead(path);
                s.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
                return header;
            }
        }
        """);

    [Fact]
    public Task OrdinaryMethodOutsideLoop() => Quiet("""
        sealed class Handshake
        {
            public void Send(Socket socket)
            {
                var hello = new byte[16];
                RandomNumberGenerator.Fill(hello);
                socket.Send(hello);
            }
        }
        """);

    [Fact]
    public Task ReadMethodOfNonStream() => Quiet("""
        sealed class Device
        {
            public int Read(byte[] destination)
            {
                var raw = new byte[64];
                Array.Copy(raw, destination, Math.Min(raw.Length, destination.Length));
                return raw.Length;
            }
        }
        """);

    [Fact]
    public Task StoredInTupleList() => Quiet("""
        static class Attachments
        {
            public static List<(string Name, byte[] Data)> Load(IEnumerable<string> files)
            {
                var result = new List<(string, byte[])>();
                foreach (var file in files)
                {
                    var data = new byte[4096];
                    using var s = File.OpenRead(file);
                    int n = s.Read(data, 0, data.Length);
                    result.Add((file, data));
                }

                return result;
            }
        }
        """);

    [Fact]
    public Task AssignedToProperty() => Quiet("""
        sealed class Message { public byte[] Body { get; set; } = Array.Empty<byte>(); }

        static class Inbox
        {
            public static void Fill(List<Message> messages, Stream input)
            {
                foreach (var message in messages)
                {
                    var body = new byte[1024];
                    input.ReadExactly(body);
                    message.Body = body;
                }
            }
        }
        """);

    [Fact]
    public Task RaisedThroughEvent() => Quiet("""
        sealed class Tail
        {
            public event EventHandler<byte[]>? Chunk;

            public void Follow(Stream input)
            {
                while (true)
                {
                    var chunk = new byte[4096];
                    int n = input.Read(chunk, 0, chunk.Length);
                    if (n == 0) break;
                    Chunk?.Invoke(this, chunk);
                }
            }
        }
        """);

    [Fact]
    public Task RentedFromPoolAlready() => Quiet("""
        static class PooledCopier
        {
            public static void Copy(Stream source, Stream destination)
            {
                while (true)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(81920);
                    try
                    {
                        int read = source.Read(buffer, 0, 81920);
                        if (read == 0) break;
                        destination.Write(buffer, 0, read);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task GeneratedCodeIsSkipped() => Verify.AnalyzerAsync<HotPathArrayAllocationAnalyzer>("""
        // <auto-generated/>
        using System.IO;

        static class Generated
        {
            public static void Copy(Stream source, Stream destination)
            {
                while (true)
                {
                    var buffer = new byte[81920];
                    int read = source.Read(buffer, 0, buffer.Length);
                    if (read == 0) break;
                    destination.Write(buffer, 0, read);
                }
            }
        }
        """);

    [Fact]
    public Task PassedByRefToHelperThatMayReplaceIt() => Quiet("""
        static class Resizer
        {
            public static void Pump(Stream input, int rounds)
            {
                for (int i = 0; i < rounds; i++)
                {
                    var buffer = new byte[1024];
                    Array.Resize(ref buffer, 2048);
                    input.ReadExactly(buffer);
                }
            }
        }
        """);

    [Fact]
    public Task ReturnedFromTaskFromResult() => Quiet("""
        sealed class Cache
        {
            public Task<byte[]>[] Prefetch(int count)
            {
                var tasks = new Task<byte[]>[count];
                for (int i = 0; i < count; i++)
                {
                    var data = new byte[512];
                    tasks[i] = Task.FromResult(data);
                }

                return tasks;
            }
        }
        """);

    [Fact]
    public Task LocalFunctionCalledOnceOutsideLoop() => Quiet("""
        sealed class Archive
        {
            public long Checksum(string file)
            {
                return HashFile(file);

                static long HashFile(string path)
                {
                    using var stream = File.OpenRead(path);
                    var buffer = new byte[65536];
                    long h = 0;
                    int read;
                    while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        h += read;
                    }

                    return h;
                }
            }
        }
        """);

    [Fact]
    public Task SocketEventArgsKeepTheBuffer() => Quiet("""
        sealed class Listener
        {
            private readonly List<SocketAsyncEventArgs> _pending = new();

            public void Prepare(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    var args = new SocketAsyncEventArgs();
                    args.SetBuffer(new byte[8192], 0, 8192);
                    _pending.Add(args);
                }
            }

            public void PrepareWithLocal(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    var buffer = new byte[8192];
                    var args = new SocketAsyncEventArgs();
                    args.SetBuffer(buffer, 0, buffer.Length);
                }
            }
        }
        """);

    [Fact]
    public Task UserQueueKeepsTheBuffer() => Quiet("""
        sealed class FrameQueue
        {
            private readonly Queue<byte[]> _frames = new();
            public void Enqueue(byte[] frame) => _frames.Enqueue(frame);
        }

        sealed class Reader
        {
            public void ReadAll(Stream input, FrameQueue queue)
            {
                while (true)
                {
                    var frame = new byte[4096];
                    if (input.Read(frame, 0, frame.Length) == 0) break;
                    queue.Enqueue(frame);
                }
            }
        }
        """);

    [Fact]
    public Task SmallCompileTimeBoundedLoop() => Quiet("""
        static class Mirrors
        {
            public static void WriteToBoth(Stream primary, Stream secondary, Stream input)
            {
                foreach (var target in new[] { primary, secondary })
                {
                    input.Position = 0;
                    var buffer = new byte[81920];
                    int read;
                    while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        target.Write(buffer, 0, read);
                    }
                }

                for (int attempt = 0; attempt < 3; attempt++)
                {
                    var probe = new byte[4096];
                    if (input.Read(probe, 0, probe.Length) > 0) break;
                }
            }
        }
        """);

    [Fact]
    public Task HalfTypedCodeDoesNotCrash() => Quiet("""
        static class Draft
        {
            public static void Pump(Stream input)
            {
                while (true)
                {
                    var buffer = new byte[{|CS0103:size|}];
                    {|CS0103:Process|}(buffer);
                    var other = new byte[8192];
                    {|CS0103:unknown|}.Write(other, 0, other.Length);
                }
            }
        }
        """);
}
