using System.Threading.Tasks;
using Bounded.Analyzers.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>BND3001: positives (the allocation repeats and stays inside the iteration or call).</summary>
public class BND3001ReportsTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.IO.Compression;
        using System.Net.Sockets;
        using System.Security.Cryptography;
        using System.Text;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    private static Task Reports(string source, string? editorConfig = null) =>
        Verify.AnalyzerAsync<HotPathArrayAllocationAnalyzer>(Usings + source, editorConfig);

    [Fact]
    public Task StreamCopyLoopAllocatesPerRead() => Verify.AnalyzerAsync<HotPathArrayAllocationAnalyzer>(Usings + """
        static class Copier
        {
            public static void Copy(Stream source, Stream destination)
            {
                while (true)
                {
                    var buffer = {|#0:new byte[81920]|};
                    int read = source.Read(buffer, 0, buffer.Length);
                    if (read == 0)
                    {
                        break;
                    }

                    destination.Write(buffer, 0, read);
                }
            }
        }
        """, new DiagnosticResult("BND3001", DiagnosticSeverity.Info).WithLocation(0).WithArguments("new byte[81920]", "on every iteration of this loop"));

    [Fact]
    public Task AsyncCopyInDoWhile() => Reports("""
        static class Copier
        {
            public static async Task CopyAsync(Stream source, Stream destination, CancellationToken ct)
            {
                int read;
                do
                {
                    var buffer = {|BND3001:new byte[16384]|};
                    read = await source.ReadAsync(buffer, 0, buffer.Length, ct);
                    await destination.WriteAsync(buffer, 0, read, ct);
                }
                while (read > 0);
            }
        }
        """);

    // A size test alone is not a reused buffer: the short side allocates on most iterations, and a constant bound
    // whose other branch allocates too hands out no buffer that exists already.
    [Fact]
    public Task SizeTestWithoutAReusedBufferIsReported() => Reports("""
        static class RunDecoder
        {
            public static int Decode(Stream stream, int runs, byte[] large)
            {
                var total = 0;
                for (var i = 0; i < runs; i++)
                {
                    var length = stream.ReadByte() * 3;
                    var small = length <= 128 ? {|BND3001:new byte[length]|} : large;
                    var chunk = length > 1024 ? {|BND3001:new byte[length]|} : {|BND3001:new byte[1024]|};
                    total += stream.Read(small, 0, Math.Min(length, small.Length)) + stream.Read(chunk, 0, length);
                }

                return total;
            }
        }
        """);

    [Fact]
    public Task SocketReceiveLoop() => Reports("""
        sealed class Receiver
        {
            public async Task<long> ReceiveAllAsync(Socket socket, CancellationToken ct)
            {
                long total = 0;
                while (!ct.IsCancellationRequested)
                {
                    var buffer = {|BND3001:new byte[4096]|};
                    int received = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
                    if (received == 0)
                    {
                        break;
                    }

                    total += received;
                }

                return total;
            }
        }
        """);

    [Fact]
    public Task PerMessageSerializerWithVariableSize() => Reports("""
        sealed class LineWriter
        {
            public void WriteAll(IEnumerable<string> messages, Stream output)
            {
                foreach (var message in messages)
                {
                    var payload = {|BND3001:new byte[Encoding.UTF8.GetMaxByteCount(message.Length)]|};
                    int length = Encoding.UTF8.GetBytes(message, 0, message.Length, payload, 0);
                    output.Write(payload, 0, length);
                }
            }
        }
        """);

    [Fact]
    public Task HashingFilesAllocatesPerFile() => Reports("""
        static class Hasher
        {
            public static byte[] HashAll(IEnumerable<string> files)
            {
                using var sha = SHA256.Create();
                foreach (var path in files)
                {
                    using var stream = File.OpenRead(path);
                    var buffer = {|BND3001:new byte[1 << 16]|};
                    int read;
                    while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        sha.TransformBlock(buffer, 0, read, null, 0);
                    }
                }

                sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
                return sha.Hash!;
            }
        }
        """);

    [Fact]
    public Task FileChunkingUpload() => Reports("""
        sealed class Uploader
        {
            public async Task UploadAsync(FileStream file, int chunkSize, CancellationToken ct)
            {
                for (long offset = 0; offset < file.Length; offset += chunkSize)
                {
                    var chunk = {|BND3001:new byte[chunkSize]|};
                    int read = await file.ReadAsync(chunk.AsMemory(0, chunkSize), ct);
                    await SendChunkAsync(chunk.AsMemory(0, read), ct);
                }
            }

            private Task SendChunkAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct) => Task.CompletedTask;
        }
        """);

    [Fact]
    public Task CompressionLoop() => Reports("""
        static class Archiver
        {
            public static void CompressAll(IEnumerable<string> files, Stream output)
            {
                using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
                foreach (var file in files)
                {
                    using var input = File.OpenRead(file);
                    var buffer = {|BND3001:new byte[32768]|};
                    int n;
                    while ((n = input.Read(buffer)) > 0)
                    {
                        gzip.Write(buffer, 0, n);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task AwaitForeachOverMessages() => Reports("""
        sealed class Consumer
        {
            public async Task ConsumeAsync(IAsyncEnumerable<string> messages, Stream output)
            {
                await foreach (var message in messages)
                {
                    var scratch = {|BND3001:new byte[1024]|};
                    int length = Encoding.UTF8.GetBytes(message, scratch);
                    await output.WriteAsync(scratch.AsMemory(0, length));
                }
            }
        }
        """);

    [Fact]
    public Task ForLoopWithIndex() => Reports("""
        static class Blocks
        {
            public static int Checksum(Stream stream, int blocks)
            {
                int sum = 0;
                for (int i = 0; i < blocks; i++)
                {
                    var block = {|BND3001:new byte[512]|};
                    stream.ReadExactly(block, 0, block.Length);
                    foreach (var b in block)
                    {
                        sum += b;
                    }
                }

                return sum;
            }
        }
        """);

    [Fact]
    public Task NestedLoopReportsInnerAllocation() => Reports("""
        static class Frames
        {
            public static long Sum(IEnumerable<Stream> streams)
            {
                long total = 0;
                foreach (var stream in streams)
                {
                    while (true)
                    {
                        var frame = {|BND3001:new byte[2048]|};
                        int read = stream.Read(frame, 0, frame.Length);
                        if (read == 0)
                        {
                            break;
                        }

                        total += read;
                    }
                }

                return total;
            }
        }
        """);

    [Fact]
    public Task HotPathAttributeReportsSmallArrays() => Reports("""
        [AttributeUsage(AttributeTargets.Method)]
        sealed class HotPathAttribute : Attribute { }

        sealed class Codec
        {
            [HotPath]
            public int Encode(int value, Stream output)
            {
                var bytes = {|BND3001:new byte[4]|};
                BitConverter.TryWriteBytes(bytes, value);
                output.Write(bytes, 0, bytes.Length);
                return bytes.Length;
            }
        }
        """);

    [Fact]
    public Task PerformanceSensitiveAttribute() => Reports("""
        [AttributeUsage(AttributeTargets.Method)]
        sealed class PerformanceSensitiveAttribute : Attribute
        {
            public PerformanceSensitiveAttribute(string uri) { }
        }

        sealed class Parser
        {
            [PerformanceSensitive("https://example.org/issue/1")]
            public int ParseHeader(Stream input)
            {
                var header = {|BND3001:new byte[16]|};
                input.ReadExactly(header);
                return header[0] | header[1] << 8;
            }
        }
        """);

    [Fact]
    public Task HotPathMethodsOption() => Reports("""
        sealed class MessageHandler
        {
            public void Handle(Stream body)
            {
                var scratch = {|BND3001:new byte[128]|};
                body.ReadExactly(scratch);
            }
        }
        """, "bounded.hot_path_methods = MessageHandler.Handle");

    [Fact]
    public Task CustomHotPathAttributeOption() => Reports("""
        [AttributeUsage(AttributeTargets.Method)]
        sealed class CriticalAttribute : Attribute { }

        sealed class Pump
        {
            [Critical]
            public void Pump1(Stream input) { var b = {|BND3001:new byte[8]|}; input.ReadExactly(b); }
        }
        """, "bounded.hot_path_attributes = CriticalAttribute");

    [Fact]
    public Task StreamReadOverride() => Reports("""
        sealed class XorStream : Stream
        {
            private readonly Stream _inner;
            public XorStream(Stream inner) => _inner = inner;

            public override int Read(byte[] buffer, int offset, int count)
            {
                var temp = {|BND3001:new byte[count]|};
                int read = _inner.Read(temp, 0, count);
                for (int i = 0; i < read; i++)
                {
                    buffer[offset + i] = (byte)(temp[i] ^ 0x5A);
                }

                return read;
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => 0; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
        """);

    [Fact]
    public Task StreamWriteAsyncOverride() => Reports("""
        sealed class FramingStream : Stream
        {
            private readonly Stream _inner;
            public FramingStream(Stream inner) => _inner = inner;

            public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct)
            {
                var prefix = {|BND3001:new byte[4]|};
                BitConverter.TryWriteBytes(prefix, count);
                await _inner.WriteAsync(prefix, 0, 4, ct);
                await _inner.WriteAsync(buffer, offset, count, ct);
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => 0; set => throw new NotSupportedException(); }
            public override void Flush() => _inner.Flush();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();
        }
        """);

    [Fact]
    public Task LargeObjectHeapPerCall() => Verify.AnalyzerAsync<HotPathArrayAllocationAnalyzer>(Usings + """
        sealed class Backup
        {
            public long CopyFile(string from, string to)
            {
                using var input = File.OpenRead(from);
                using var output = File.Create(to);
                var buffer = {|#0:new byte[1024 * 1024]|};
                long total = 0;
                int read;
                while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    output.Write(buffer, 0, read);
                    total += read;
                }

                return total;
            }
        }
        """, new DiagnosticResult("BND3001", DiagnosticSeverity.Info).WithLocation(0).WithArguments("new byte[1024 * 1024]", "of 1,048,576 bytes on the Large Object Heap on every call"));

    [Fact]
    public Task AllocateUninitializedArrayInLoop() => Reports("""
        static class Pumps
        {
            public static void Pump(Stream source, Stream destination)
            {
                int read;
                do
                {
                    var buffer = {|BND3001:GC.AllocateUninitializedArray<byte>(65536)|};
                    read = source.Read(buffer, 0, buffer.Length);
                    destination.Write(buffer, 0, read);
                }
                while (read > 0);
            }
        }
        """);

    [Fact]
    public Task ConfiguredCharArrays() => Reports("""
        static class Decoder
        {
            public static int CountLetters(IEnumerable<byte[]> messages)
            {
                int letters = 0;
                foreach (var message in messages)
                {
                    var chars = {|BND3001:new char[1024]|};
                    int count = Encoding.UTF8.GetChars(message, 0, Math.Min(message.Length, 1024), chars, 0);
                    for (int i = 0; i < count; i++)
                    {
                        if (char.IsLetter(chars[i])) letters++;
                    }
                }

                return letters;
            }
        }
        """, "bounded.pooled_element_types = byte, char");

    [Fact]
    public Task ListForEachLambda() => Reports("""
        static class Digests
        {
            public static void Print(List<string> files)
            {
                files.ForEach(file =>
                {
                    using var stream = File.OpenRead(file);
                    var head = {|BND3001:new byte[4096]|};
                    int read = stream.Read(head, 0, head.Length);
                    Console.WriteLine(Convert.ToHexString(head, 0, read));
                });
            }
        }
        """);

    [Fact]
    public Task MemoryStreamDisposedInIteration() => Reports("""
        sealed class FrameReader
        {
            public int CountRecords(Stream input, int frames)
            {
                int records = 0;
                for (int i = 0; i < frames; i++)
                {
                    var frame = {|BND3001:new byte[8192]|};
                    input.ReadExactly(frame, 0, frame.Length);
                    using var ms = new MemoryStream(frame, writable: false);
                    using var reader = new BinaryReader(ms);
                    records += reader.ReadInt32();
                }

                return records;
            }
        }
        """);

    [Fact]
    public Task SpanViewStaysInIteration() => Reports("""
        static class Noise
        {
            public static long Sum(int rounds)
            {
                long sum = 0;
                for (int i = 0; i < rounds; i++)
                {
                    var bytes = {|BND3001:new byte[256]|};
                    Span<byte> span = bytes;
                    RandomNumberGenerator.Fill(span);
                    sum += span[0];
                }

                return sum;
            }
        }
        """);

    [Fact]
    public Task VariableSizeFromHeader() => Reports("""
        sealed class RecordReader
        {
            public async Task<int> ReadRecordsAsync(Stream input, CancellationToken ct)
            {
                int count = 0;
                var header = new byte[4];
                while (await input.ReadAsync(header, ct) == 4)
                {
                    int length = BitConverter.ToInt32(header, 0);
                    var body = {|BND3001:new byte[length]|};
                    await input.ReadExactlyAsync(body, ct);
                    count += body.Length;
                }

                return count;
            }
        }
        """);

    [Fact]
    public Task LoweredMinimumSize() => Reports("""
        static class Ids
        {
            public static int Count(Stream input, int n)
            {
                int nonZero = 0;
                for (int i = 0; i < n; i++)
                {
                    var id = {|BND3001:new byte[64]|};
                    input.ReadExactly(id);
                    if (id[0] != 0) nonZero++;
                }

                return nonZero;
            }
        }
        """, "bounded.min_array_size = 32");

    [Fact]
    public Task AwaitedWriteOfSlice() => Reports("""
        sealed class Relay
        {
            public async Task RelayAsync(Stream input, Stream output, CancellationToken ct)
            {
                while (true)
                {
                    var buffer = {|BND3001:new byte[8192]|};
                    int read = await input.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    await output.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                }
            }
        }
        """);

    [Fact]
    public Task BackgroundWorkerPerMessage() => Reports("""
        sealed class Worker
        {
            private readonly System.Threading.Channels.Channel<string> _queue = System.Threading.Channels.Channel.CreateBounded<string>(100);

            public async Task RunAsync(Stream output, CancellationToken ct)
            {
                await foreach (var message in _queue.Reader.ReadAllAsync(ct))
                {
                    var encoded = {|BND3001:new byte[Encoding.UTF8.GetByteCount(message)]|};
                    Encoding.UTF8.GetBytes(message, encoded);
                    await output.WriteAsync(encoded, ct);
                }
            }
        }
        """);

    [Fact]
    public Task HashPerMessageWithComputeHashRange() => Reports("""
        static class Signer
        {
            public static int Sign(IEnumerable<string> messages, HMACSHA256 hmac)
            {
                int total = 0;
                foreach (var message in messages)
                {
                    var data = {|BND3001:new byte[Encoding.UTF8.GetMaxByteCount(message.Length)]|};
                    int n = Encoding.UTF8.GetBytes(message, data);
                    total += hmac.ComputeHash(data, 0, n)[0];
                }

                return total;
            }
        }
        """);

    [Fact]
    public Task LocalFunctionCalledPerIteration() => Verify.AnalyzerAsync<HotPathArrayAllocationAnalyzer>(Usings + """
        sealed class Archive
        {
            public long Checksum(IEnumerable<string> files)
            {
                long sum = 0;
                foreach (var file in files)
                {
                    sum += HashFile(file);
                }

                return sum;

                static long HashFile(string path)
                {
                    using var stream = File.OpenRead(path);
                    var buffer = {|#0:new byte[65536]|};
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
        """, new DiagnosticResult("BND3001", DiagnosticSeverity.Info).WithLocation(0).WithArguments("new byte[65536]", "on every call of local function 'HashFile', which a loop calls"));
}
