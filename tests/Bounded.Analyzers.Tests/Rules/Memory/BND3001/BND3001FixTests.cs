using System.Threading.Tasks;
using Bounded.Analyzers;
using Bounded.Analyzers.Memory;
using Bounded.CodeFixes;
using Bounded.CodeFixes.Memory;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Memory;

public class BND3001FixTests
{
    private const string Hoist = HotPathArrayAllocationCodeFixProvider.HoistKey;
    private const string Pool = HotPathArrayAllocationCodeFixProvider.ArrayPoolKey;
    private const string Stack = HotPathArrayAllocationCodeFixProvider.StackallocKey;

    /// <summary>The first action at a site: the best rewrite it allows, under the rule's default key.</summary>
    private static readonly string Best = BoundedCodeFixProvider.DefaultKey(RuleIds.HotPathByteArray);

    private static Task Fix(string source, string fixedSource, string key, string? editorConfig = null) =>
        Verify.FixAsync<HotPathArrayAllocationAnalyzer, HotPathArrayAllocationCodeFixProvider>(source, fixedSource, key, editorConfig);

    private const string CopyLoop = """
        using System.IO;

        static class Copier
        {
            public static void Copy(Stream source, Stream destination)
            {
                while (true)
                {
                    var buffer = {|BND3001:new byte[81920]|};
                    int read = source.Read(buffer, 0, buffer.Length);
                    if (read == 0)
                    {
                        break;
                    }

                    destination.Write(buffer, 0, read);
                }
            }
        }
        """;

    [Fact]
    public Task HoistCopyLoopWithoutClear() => Fix(CopyLoop, """
        using System.IO;

        static class Copier
        {
            public static void Copy(Stream source, Stream destination)
            {
                var buffer = new byte[81920];
                while (true)
                {
                    int read = source.Read(buffer, 0, buffer.Length);
                    if (read == 0)
                    {
                        break;
                    }

                    destination.Write(buffer, 0, read);
                }
            }
        }
        """, Best);

    [Fact]
    public Task PoolCopyLoop() => Fix(CopyLoop, """
        using System.Buffers;
        using System.IO;

        static class Copier
        {
            public static void Copy(Stream source, Stream destination)
            {
                while (true)
                {
                    var bufferLength = 81920;
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
            }
        }
        """, Pool);

    /// <summary>One fix at a time and FixAll may pick different (equally valid) names.</summary>
    private static Task FixWithBatch(string source, string fixedOneByOne, string fixedAll, string key)
    {
        var test = new FixTest<HotPathArrayAllocationAnalyzer, HotPathArrayAllocationCodeFixProvider>
        {
            TestCode = source,
            FixedCode = fixedOneByOne,
            BatchFixedCode = fixedAll,
            CodeActionEquivalenceKey = key,
        };
        return test.RunAsync(System.Threading.CancellationToken.None);
    }

    /// <summary>The source keeps its diagnostic, and no fix with this key is offered.</summary>
    private static Task NotOffered(string source, string key, string? editorConfig = null) => Fix(source, source, key, editorConfig);

    [Fact]
    public Task HoistClearsWhenTheWholeBufferIsRead() => Fix("""
        using System.Collections.Generic;
        using System.IO;
        using System.Security.Cryptography;

        static class Digests
        {
            public static List<string> HashHeads(IEnumerable<Stream> streams)
            {
                var result = new List<string>();
                foreach (var stream in streams)
                {
                    var head = {|BND3001:new byte[512]|};
                    stream.ReadAtLeast(head, 100, throwOnEndOfStream: false);
                    result.Add(System.Convert.ToHexString(SHA256.HashData(head)));
                }

                return result;
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Security.Cryptography;

        static class Digests
        {
            public static List<string> HashHeads(IEnumerable<Stream> streams)
            {
                var result = new List<string>();
                var head = new byte[512];
                foreach (var stream in streams)
                {
                    Array.Clear(head);
                    stream.ReadAtLeast(head, 100, throwOnEndOfStream: false);
                    result.Add(System.Convert.ToHexString(SHA256.HashData(head)));
                }

                return result;
            }
        }
        """, Best);

    [Fact]
    public Task HoistNotOfferedForPerIterationSize() => NotOffered("""
        using System.Collections.Generic;
        using System.IO;
        using System.Text;

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
        """, Hoist);

    [Fact]
    public Task PoolPerMessageSerializer() => Fix("""
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Text;
        using System.Threading.Tasks;

        sealed class LineWriter
        {
            public async Task WriteAllAsync(IEnumerable<string> messages, Stream output)
            {
                foreach (var message in messages)
                {
                    var payload = {|BND3001:new byte[Encoding.UTF8.GetMaxByteCount(message.Length)]|};
                    int length = Encoding.UTF8.GetBytes(message, 0, message.Length, payload, 0);
                    await output.WriteAsync(payload.AsMemory(0, length));
                }
            }
        }
        """, """
        using System;
        using System.Buffers;
        using System.Collections.Generic;
        using System.IO;
        using System.Text;
        using System.Threading.Tasks;

        sealed class LineWriter
        {
            public async Task WriteAllAsync(IEnumerable<string> messages, Stream output)
            {
                foreach (var message in messages)
                {
                    var payloadLength = Encoding.UTF8.GetMaxByteCount(message.Length);
                    var payload = ArrayPool<byte>.Shared.Rent(payloadLength);
                    try
                    {
                        int length = Encoding.UTF8.GetBytes(message, 0, message.Length, payload, 0);
                        await output.WriteAsync(payload.AsMemory(0, length));
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(payload);
                    }
                }
            }
        }
        """, Best);

    [Fact]
    public Task PoolSlicesWholeArrayUsesAndClears() => Fix("""
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Security.Cryptography;

        static class Digests
        {
            public static List<string> HashHeads(IEnumerable<Stream> streams, int size)
            {
                var result = new List<string>();
                foreach (var stream in streams)
                {
                    var head = {|BND3001:new byte[size]|};
                    stream.ReadAtLeast(head, 1, throwOnEndOfStream: false);
                    using var sha = SHA256.Create();
                    result.Add(System.Convert.ToHexString(sha.ComputeHash(head)) + head.AsSpan().Length);
                }

                return result;
            }
        }
        """, """
        using System;
        using System.Buffers;
        using System.Collections.Generic;
        using System.IO;
        using System.Security.Cryptography;

        static class Digests
        {
            public static List<string> HashHeads(IEnumerable<Stream> streams, int size)
            {
                var result = new List<string>();
                foreach (var stream in streams)
                {
                    var headLength = size;
                    var head = ArrayPool<byte>.Shared.Rent(headLength);
                    try
                    {
                        head.AsSpan(0, headLength).Clear();
                        stream.ReadAtLeast(head.AsSpan(0, headLength), 1, throwOnEndOfStream: false);
                        using var sha = SHA256.Create();
                        result.Add(System.Convert.ToHexString(sha.ComputeHash(head, 0, headLength)) + head.AsSpan(0, headLength).Length);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(head);
                    }
                }

                return result;
            }
        }
        """, Pool);

    [Fact]
    public Task PoolReturnsWithClearArrayWhenConfigured() => Fix("""
        using System.IO;

        sealed class Backup
        {
            public long CopyFile(Stream input, Stream output)
            {
                var buffer = {|BND3001:new byte[1024 * 1024]|};
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
        """, """
        using System.Buffers;
        using System.IO;

        sealed class Backup
        {
            public long CopyFile(Stream input, Stream output)
            {
                var bufferLength = 1024 * 1024;
                var buffer = ArrayPool<byte>.Shared.Rent(bufferLength);
                try
                {
                    long total = 0;
                    int read;
                    while ((read = input.Read(buffer, 0, bufferLength)) > 0)
                    {
                        output.Write(buffer, 0, read);
                        total += read;
                    }

                    return total;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                }
            }
        }
        """, Best, "bounded.clear_pooled_arrays = true");

    [Fact]
    public Task PoolNotOfferedForForeachOverBuffer() => NotOffered("""
        using System.IO;

        static class Sums
        {
            public static int Sum(Stream input, int blocks)
            {
                int sum = 0;
                for (int i = 0; i < blocks; i++)
                {
                    var block = {|BND3001:new byte[512]|};
                    input.ReadExactly(block, 0, block.Length);
                    foreach (var b in block)
                    {
                        sum += b;
                    }
                }

                return sum;
            }
        }
        """, Pool);

    [Fact]
    public Task PoolNotOfferedForUnboundableApi() => NotOffered("""
        using System.Collections.Generic;
        using System.IO;

        static class Writer
        {
            public static void Save(IEnumerable<string> paths, Stream input)
            {
                foreach (var path in paths)
                {
                    var data = {|BND3001:new byte[4096]|};
                    input.ReadExactly(data);
                    File.WriteAllBytes(path, data);
                }
            }
        }
        """, Pool);

    [Fact]
    public Task StackallocInHotMember() => Fix("""
        using System;
        using System.IO;

        [AttributeUsage(AttributeTargets.Method)]
        sealed class HotPathAttribute : Attribute { }

        sealed class Codec
        {
            [HotPath]
            public void Encode(int value, Stream output)
            {
                var bytes = {|BND3001:new byte[4]|};
                BitConverter.TryWriteBytes(bytes, value);
                output.Write(bytes);
            }
        }
        """, """
        using System;
        using System.IO;

        [AttributeUsage(AttributeTargets.Method)]
        sealed class HotPathAttribute : Attribute { }

        sealed class Codec
        {
            [HotPath]
            public void Encode(int value, Stream output)
            {
                Span<byte> bytes = stackalloc byte[4];
                BitConverter.TryWriteBytes(bytes, value);
                output.Write(bytes);
            }
        }
        """, Best);

    [Fact]
    public Task StackallocDeclaredBeforeTheLoop() => Fix("""
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Security.Cryptography;

        static class Ids
        {
            public static int CountNonZero(Stream input, int n)
            {
                int nonZero = 0;
                for (int i = 0; i < n; i++)
                {
                    var id = {|BND3001:new byte[64]|};
                    input.ReadAtLeast(id.AsSpan(), 1, throwOnEndOfStream: false);
                    if (id[0] != 0) nonZero++;
                }

                return nonZero;
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Security.Cryptography;

        static class Ids
        {
            public static int CountNonZero(Stream input, int n)
            {
                int nonZero = 0;
                Span<byte> id = stackalloc byte[64];
                for (int i = 0; i < n; i++)
                {
                    id.Clear();
                    input.ReadAtLeast(id, 1, throwOnEndOfStream: false);
                    if (id[0] != 0) nonZero++;
                }

                return nonZero;
            }
        }
        """, Stack, "bounded.min_array_size = 32");

    [Fact]
    public Task StackallocNotOfferedInAsyncMethod() => NotOffered("""
        using System;
        using System.IO;
        using System.Threading.Tasks;

        [AttributeUsage(AttributeTargets.Method)]
        sealed class HotPathAttribute : Attribute { }

        sealed class Codec
        {
            [HotPath]
            public async Task EncodeAsync(int value, Stream output)
            {
                var bytes = {|BND3001:new byte[4]|};
                BitConverter.TryWriteBytes(bytes, value);
                await output.WriteAsync(bytes);
            }
        }
        """, Stack);

    [Fact]
    public Task FixAllHoistsTwoLoopsWithDistinctNames() => FixWithBatch("""
        using System.IO;

        static class Copier
        {
            public static void CopyTwice(Stream a, Stream b, Stream destination)
            {
                while (true)
                {
                    var buffer = {|BND3001:new byte[4096]|};
                    int read = a.Read(buffer, 0, buffer.Length);
                    if (read == 0) break;
                    destination.Write(buffer, 0, read);
                }

                while (true)
                {
                    var buffer = {|BND3001:new byte[4096]|};
                    int read = b.Read(buffer, 0, buffer.Length);
                    if (read == 0) break;
                    destination.Write(buffer, 0, read);
                }
            }
        }
        """, """
        using System.IO;

        static class Copier
        {
            public static void CopyTwice(Stream a, Stream b, Stream destination)
            {
                var buffer2 = new byte[4096];
                while (true)
                {
                    int read = a.Read(buffer2, 0, buffer2.Length);
                    if (read == 0) break;
                    destination.Write(buffer2, 0, read);
                }

                var buffer = new byte[4096];
                while (true)
                {
                    int read = b.Read(buffer, 0, buffer.Length);
                    if (read == 0) break;
                    destination.Write(buffer, 0, read);
                }
            }
        }
        """, """
        using System.IO;

        static class Copier
        {
            public static void CopyTwice(Stream a, Stream b, Stream destination)
            {
                var buffer3 = new byte[4096];
                while (true)
                {
                    int read = a.Read(buffer3, 0, buffer3.Length);
                    if (read == 0) break;
                    destination.Write(buffer3, 0, read);
                }

                var buffer2 = new byte[4096];
                while (true)
                {
                    int read = b.Read(buffer2, 0, buffer2.Length);
                    if (read == 0) break;
                    destination.Write(buffer2, 0, read);
                }
            }
        }
        """, Best);

    [Fact]
    public Task FixAllPoolsTwoBuffersInOneLoop() => Fix("""
        using System.IO;

        static class Pairs
        {
            public static long Compare(Stream left, Stream right)
            {
                long same = 0;
                while (true)
                {
                    var a = {|BND3001:new byte[4096]|};
                    var b = {|BND3001:new byte[4096]|};
                    int n = left.Read(a, 0, a.Length);
                    int m = right.Read(b, 0, b.Length);
                    if (n == 0 || m == 0) break;
                    for (int i = 0; i < n && i < m; i++)
                    {
                        if (a[i] == b[i]) same++;
                    }
                }

                return same;
            }
        }
        """, """
        using System;
        using System.Buffers;
        using System.IO;

        static class Pairs
        {
            public static long Compare(Stream left, Stream right)
            {
                long same = 0;
                while (true)
                {
                    var aLength = 4096;
                    var a = ArrayPool<byte>.Shared.Rent(aLength);
                    try
                    {
                        a.AsSpan(0, aLength).Clear();
                        var bLength = 4096;
                        var b = ArrayPool<byte>.Shared.Rent(bLength);
                        try
                        {
                            b.AsSpan(0, bLength).Clear();
                            int n = left.Read(a, 0, aLength);
                            int m = right.Read(b, 0, bLength);
                            if (n == 0 || m == 0) break;
                            for (int i = 0; i < n && i < m; i++)
                            {
                                if (a[i] == b[i]) same++;
                            }
                        }
                        finally
                        {
                            ArrayPool<byte>.Shared.Return(b);
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(a);
                    }
                }

                return same;
            }
        }
        """, Pool);

    [Fact]
    public Task PreferredFixAppliesTheBestRewriteAtEachSite() => Fix("""
        using System;
        using System.IO;

        [AttributeUsage(AttributeTargets.Method)]
        sealed class HotPathAttribute : Attribute { }

        static class Buffers
        {
            public static void Copy(Stream source, Stream destination)
            {
                while (true)
                {
                    var buffer = {|BND3001:new byte[81920]|};
                    int read = source.Read(buffer, 0, buffer.Length);
                    if (read == 0) break;
                    destination.Write(buffer, 0, read);
                }
            }

            public static void Backup(Stream input, Stream output)
            {
                var block = {|BND3001:new byte[1024 * 1024]|};
                int read;
                while ((read = input.Read(block, 0, block.Length)) > 0)
                {
                    output.Write(block, 0, read);
                }
            }

            [HotPath]
            public static void WriteLength(Stream output, int length)
            {
                var prefix = {|BND3001:new byte[4]|};
                BitConverter.TryWriteBytes(prefix, length);
                output.Write(prefix);
            }
        }
        """, """
        using System;
        using System.Buffers;
        using System.IO;

        [AttributeUsage(AttributeTargets.Method)]
        sealed class HotPathAttribute : Attribute { }

        static class Buffers
        {
            public static void Copy(Stream source, Stream destination)
            {
                var buffer = new byte[81920];
                while (true)
                {
                    int read = source.Read(buffer, 0, buffer.Length);
                    if (read == 0) break;
                    destination.Write(buffer, 0, read);
                }
            }

            public static void Backup(Stream input, Stream output)
            {
                var blockLength = 1024 * 1024;
                var block = ArrayPool<byte>.Shared.Rent(blockLength);
                try
                {
                    int read;
                    while ((read = input.Read(block, 0, blockLength)) > 0)
                    {
                        output.Write(block, 0, read);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(block);
                }
            }

            [HotPath]
            public static void WriteLength(Stream output, int length)
            {
                Span<byte> prefix = stackalloc byte[4];
                BitConverter.TryWriteBytes(prefix, length);
                output.Write(prefix);
            }
        }
        """, Best);

    [Fact]
    public Task PoolLeavesLocalFunctionsOutsideTheTry() => Fix("""
        using System.IO;

        sealed class Backup
        {
            public long CopyFile(Stream input, Stream output)
            {
                Log("start");
                var buffer = {|BND3001:new byte[200_000]|};
                long total = 0;
                int read;
                while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    output.Write(buffer, 0, read);
                    total += read;
                }

                return total;

                static void Log(string message) => System.Console.WriteLine(message);
            }
        }
        """, """
        using System.Buffers;
        using System.IO;

        sealed class Backup
        {
            public long CopyFile(Stream input, Stream output)
            {
                Log("start");
                var bufferLength = 200_000;
                var buffer = ArrayPool<byte>.Shared.Rent(bufferLength);
                try
                {
                    long total = 0;
                    int read;
                    while ((read = input.Read(buffer, 0, bufferLength)) > 0)
                    {
                        output.Write(buffer, 0, read);
                        total += read;
                    }

                    return total;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                static void Log(string message) => System.Console.WriteLine(message);
            }
        }
        """, Best);

    [Fact]
    public Task PoolNotOfferedWhenALocalFunctionUsesAMovedLocal() => NotOffered("""
        using System.IO;

        sealed class Backup
        {
            public long CopyFile(Stream input, Stream output)
            {
                var buffer = {|BND3001:new byte[200_000]|};
                long total = 0;
                int read;
                while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    output.Write(buffer, 0, read);
                    Add(read);
                }

                return total;

                void Add(int n) => total += n;
            }
        }
        """, Pool);

    [Fact]
    public Task HoistUninitializedArrayNeedsNoClear() => Fix("""
        using System;
        using System.IO;
        using System.Security.Cryptography;

        static class Blocks
        {
            public static void HashBlocks(Stream input, Stream output, int blocks)
            {
                for (int i = 0; i < blocks; i++)
                {
                    var block = {|BND3001:GC.AllocateUninitializedArray<byte>(4096)|};
                    input.ReadExactly(block);
                    output.Write(SHA256.HashData(block));
                }
            }
        }
        """, """
        using System;
        using System.IO;
        using System.Security.Cryptography;

        static class Blocks
        {
            public static void HashBlocks(Stream input, Stream output, int blocks)
            {
                var block = GC.AllocateUninitializedArray<byte>(4096);
                for (int i = 0; i < blocks; i++)
                {
                    input.ReadExactly(block);
                    output.Write(SHA256.HashData(block));
                }
            }
        }
        """, Best);

    [Fact]
    public Task FixAllStackallocInTwoHotMembers() => Fix("""
        using System;
        using System.IO;

        [AttributeUsage(AttributeTargets.Method)]
        sealed class HotPathAttribute : Attribute { }

        sealed class Codec
        {
            [HotPath]
            public void WriteInt(Stream output, int value)
            {
                var bytes = {|BND3001:new byte[4]|};
                BitConverter.TryWriteBytes(bytes, value);
                output.Write(bytes);
            }

            [HotPath]
            public long ReadLong(Stream input)
            {
                var bytes = {|BND3001:new byte[8]|};
                input.ReadExactly(bytes.AsSpan());
                return BitConverter.ToInt64(bytes.AsSpan(0, 8));
            }
        }
        """, """
        using System;
        using System.IO;

        [AttributeUsage(AttributeTargets.Method)]
        sealed class HotPathAttribute : Attribute { }

        sealed class Codec
        {
            [HotPath]
            public void WriteInt(Stream output, int value)
            {
                Span<byte> bytes = stackalloc byte[4];
                BitConverter.TryWriteBytes(bytes, value);
                output.Write(bytes);
            }

            [HotPath]
            public long ReadLong(Stream input)
            {
                Span<byte> bytes = stackalloc byte[8];
                input.ReadExactly(bytes);
                return BitConverter.ToInt64(bytes.Slice(0, 8));
            }
        }
        """, Best);

    [Fact]
    public Task NoFixWhenTheLocalIsASpan() => Verify.NoFixAsync<HotPathArrayAllocationAnalyzer, HotPathArrayAllocationCodeFixProvider>("""
        using System;
        using System.IO;

        static class Frames
        {
            public static int Count(Stream input, int frames)
            {
                int nonZero = 0;
                for (int i = 0; i < frames; i++)
                {
                    Span<byte> frame = {|BND3001:new byte[1024]|};
                    input.ReadExactly(frame);
                    if (frame[0] != 0) nonZero++;
                }

                return nonZero;
            }
        }
        """);
    [Fact]
    public Task StackallocPassesASliceToTheSpanOverloadOfARangeCall() => Fix("""
        using System;
        using System.Text;

        [AttributeUsage(AttributeTargets.Method)]
        sealed class HotPathAttribute : Attribute { }

        class Counters
        {
            private long _hits;

            [HotPath]
            public string Render()
            {
                var buffer = {|BND3001:new byte[64]|};
                var length = Encoding.ASCII.GetBytes($"{_hits}/{_hits}", buffer);
                return Encoding.ASCII.GetString(buffer, 0, length);
            }
        }
        """, """
        using System;
        using System.Text;

        [AttributeUsage(AttributeTargets.Method)]
        sealed class HotPathAttribute : Attribute { }

        class Counters
        {
            private long _hits;

            [HotPath]
            public string Render()
            {
                Span<byte> buffer = stackalloc byte[64];
                var length = Encoding.ASCII.GetBytes($"{_hits}/{_hits}", buffer);
                return Encoding.ASCII.GetString(buffer.Slice(0, length));
            }
        }
        """, Best);

    [Fact]
    public Task NoStackallocWhenARangeCallHasNoSpanOverload() => Verify.NoFixAsync<HotPathArrayAllocationAnalyzer, HotPathArrayAllocationCodeFixProvider>("""
        using System;
        using System.Text;

        [AttributeUsage(AttributeTargets.Method)]
        sealed class HotPathAttribute : Attribute { }

        class Counters
        {
            private long _hits;

            [HotPath]
            public int Render()
            {
                var buffer = {|BND3001:new byte[64]|};
                var length = Encoding.ASCII.GetBytes($"{_hits}/{_hits}", buffer);
                return Sum(buffer, 0, length);
            }

            private static int Sum(byte[] data, int offset, int count)
            {
                var sum = 0;
                for (var i = offset; i < offset + count; i++) sum += data[i];
                return sum;
            }
        }
        """);

    [Fact]
    public Task PoolsAStreamOverridesScratchBufferThatArrayCopyReads() => Fix($$"""
        using System;
        using System.IO;

        class Prefixed : Stream
        {
            private readonly Stream _inner = new MemoryStream();
        {{MemorySources.ReadOnlyStreamOverrides}}

            public override int Read(byte[] buffer, int offset, int count)
            {
                var scratch = {|BND3001:new byte[count]|};
                var read = _inner.Read(scratch, 0, count);
                Array.Copy(scratch, 0, buffer, offset, read);
                return read;
            }
        }
        """, $$"""
        using System;
        using System.Buffers;
        using System.IO;

        class Prefixed : Stream
        {
            private readonly Stream _inner = new MemoryStream();
        {{MemorySources.ReadOnlyStreamOverrides}}

            public override int Read(byte[] buffer, int offset, int count)
            {
                var scratchLength = count;
                var scratch = ArrayPool<byte>.Shared.Rent(scratchLength);
                try
                {
                    var read = _inner.Read(scratch, 0, count);
                    Array.Copy(scratch, 0, buffer, offset, read);
                    return read;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(scratch);
                }
            }
        }
        """, Best);

    [Fact]
    public Task NoPoolWhenArrayCopyReadsTheWholeLength() => Verify.NoFixAsync<HotPathArrayAllocationAnalyzer, HotPathArrayAllocationCodeFixProvider>("""
        using System;
        using System.IO;

        static class Copies
        {
            public static byte[] Snapshot(Stream input)
            {
                var result = new byte[4096];
                while (input.Position < input.Length)
                {
                    var scratch = {|BND3001:new byte[4096]|};
                    input.Read(scratch, 0, 4096);
                    Array.Copy(scratch, result, scratch.Length);
                }

                return result;
            }
        }
        """, Pool);
}
