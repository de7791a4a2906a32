using System;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Bounded.Analyzers;
using Bounded.Analyzers.Memory;
using Bounded.CodeFixes;
using Bounded.CodeFixes.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>
/// Each fix, checked at run time: the fix's exact output is verified first, then the original and the fixed code are
/// compiled in memory, loaded, and run on the same inputs (several times, so pooled and hoisted buffers are reused
/// dirty); the results must be equal byte for byte.
/// </summary>
public class BND3001RuntimeTests
{
    private static async Task FixRunsTheSame(string source, string fixedSource, string key, string? editorConfig = null)
    {
        await Verify.FixAsync<HotPathArrayAllocationAnalyzer, HotPathArrayAllocationCodeFixProvider>(source, fixedSource, key, editorConfig);

        using var originalAssembly = InMemoryAssembly.Compile(Regex.Replace(source, @"\{\|BND3001:(.*?)\|\}", "$1"));
        using var rewrittenAssembly = InMemoryAssembly.Compile(fixedSource);
        var original = Runner(originalAssembly);
        var rewritten = Runner(rewrittenAssembly);
        var random = new Random(3001);
        foreach (var length in new[] { 0, 1, 100, 4095, 4096, 4097, 65_537, 300_000, 17, 1_000_003 })
        {
            var input = new byte[length];
            random.NextBytes(input);
            for (var round = 0; round < 3; round++)
            {
                var expected = original(input);
                var actual = rewritten(input);
                Assert.Equal(expected, actual);
            }
        }
    }

    /// <summary><c>Subject.Run(byte[]) : byte[]</c> of a compiled source.</summary>
    private static Func<byte[], byte[]> Runner(InMemoryAssembly compiled)
    {
        var run = compiled.GetType("Subject").GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!;
        return input => (byte[])run.Invoke(null, new object[] { input })!;
    }

    [Fact]
    public Task HoistedCopyLoopCopiesTheSameBytes() => FixRunsTheSame("""
        using System.IO;

        public static class Subject
        {
            public static byte[] Run(byte[] input)
            {
                var source = new MemoryStream(input);
                var destination = new MemoryStream();
                while (true)
                {
                    var buffer = {|BND3001:new byte[4096]|};
                    int read = source.Read(buffer, 0, buffer.Length);
                    if (read == 0)
                    {
                        break;
                    }

                    destination.Write(buffer, 0, read);
                }

                return destination.ToArray();
            }
        }
        """, """
        using System.IO;

        public static class Subject
        {
            public static byte[] Run(byte[] input)
            {
                var source = new MemoryStream(input);
                var destination = new MemoryStream();
                var buffer = new byte[4096];
                while (true)
                {
                    int read = source.Read(buffer, 0, buffer.Length);
                    if (read == 0)
                    {
                        break;
                    }

                    destination.Write(buffer, 0, read);
                }

                return destination.ToArray();
            }
        }
        """, BoundedCodeFixProvider.DefaultKey(RuleIds.HotPathByteArray));

    /// <summary>The last block is short: without the clear, the hash would see the previous block's bytes.</summary>
    [Fact]
    public Task HoistedBlockHashKeepsZeroPadding() => FixRunsTheSame("""
        using System.IO;
        using System.Security.Cryptography;

        public static class Subject
        {
            public static byte[] Run(byte[] input)
            {
                var source = new MemoryStream(input);
                var output = new MemoryStream();
                for (int block = 0; block * 1000 < input.Length; block++)
                {
                    var padded = {|BND3001:new byte[1000]|};
                    source.ReadAtLeast(padded, padded.Length, throwOnEndOfStream: false);
                    output.Write(SHA256.HashData(padded));
                }

                return output.ToArray();
            }
        }
        """, """
        using System;
        using System.IO;
        using System.Security.Cryptography;

        public static class Subject
        {
            public static byte[] Run(byte[] input)
            {
                var source = new MemoryStream(input);
                var output = new MemoryStream();
                var padded = new byte[1000];
                for (int block = 0; block * 1000 < input.Length; block++)
                {
                    Array.Clear(padded);
                    source.ReadAtLeast(padded, padded.Length, throwOnEndOfStream: false);
                    output.Write(SHA256.HashData(padded));
                }

                return output.ToArray();
            }
        }
        """, BoundedCodeFixProvider.DefaultKey(RuleIds.HotPathByteArray));

    [Fact]
    public Task PooledCopyLoopCopiesTheSameBytes() => FixRunsTheSame("""
        using System;
        using System.IO;

        public static class Subject
        {
            public static byte[] Run(byte[] input)
            {
                var source = new MemoryStream(input);
                var destination = new MemoryStream();
                while (true)
                {
                    var buffer = {|BND3001:new byte[1000]|};
                    int read = source.Read(buffer);
                    if (read == 0)
                    {
                        break;
                    }

                    destination.Write(buffer.AsSpan(0, read));
                }

                return destination.ToArray();
            }
        }
        """, """
        using System;
        using System.Buffers;
        using System.IO;

        public static class Subject
        {
            public static byte[] Run(byte[] input)
            {
                var source = new MemoryStream(input);
                var destination = new MemoryStream();
                while (true)
                {
                    var bufferLength = 1000;
                    var buffer = ArrayPool<byte>.Shared.Rent(bufferLength);
                    try
                    {
                        int read = source.Read(buffer.AsSpan(0, bufferLength));
                        if (read == 0)
                        {
                            break;
                        }

                        destination.Write(buffer.AsSpan(0, read));
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }

                return destination.ToArray();
            }
        }
        """, HotPathArrayAllocationCodeFixProvider.ArrayPoolKey);

    /// <summary>A rented array is larger than asked and dirty: the fix slices and clears it so the hashes match.</summary>
    [Fact]
    public Task PooledBlockHashSlicesAndClears() => FixRunsTheSame("""
        using System;
        using System.IO;
        using System.Security.Cryptography;

        public static class Subject
        {
            public static byte[] Run(byte[] input)
            {
                var source = new MemoryStream(input);
                var output = new MemoryStream();
                using var sha = SHA256.Create();
                int size = 1000;
                for (int block = 0; block * size < input.Length; block++)
                {
                    var padded = {|BND3001:new byte[size]|};
                    source.ReadAtLeast(padded, padded.Length, throwOnEndOfStream: false);
                    output.Write(sha.ComputeHash(padded));
                    output.WriteByte((byte)padded.Length);
                }

                return output.ToArray();
            }
        }
        """, """
        using System;
        using System.Buffers;
        using System.IO;
        using System.Security.Cryptography;

        public static class Subject
        {
            public static byte[] Run(byte[] input)
            {
                var source = new MemoryStream(input);
                var output = new MemoryStream();
                using var sha = SHA256.Create();
                int size = 1000;
                for (int block = 0; block * size < input.Length; block++)
                {
                    var paddedLength = size;
                    var padded = ArrayPool<byte>.Shared.Rent(paddedLength);
                    try
                    {
                        padded.AsSpan(0, paddedLength).Clear();
                        source.ReadAtLeast(padded.AsSpan(0, paddedLength), paddedLength, throwOnEndOfStream: false);
                        output.Write(sha.ComputeHash(padded, 0, paddedLength));
                        output.WriteByte((byte)paddedLength);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(padded);
                    }
                }

                return output.ToArray();
            }
        }
        """, HotPathArrayAllocationCodeFixProvider.ArrayPoolKey);

    [Fact]
    public Task StackallocInLoopChecksumsTheSame() => FixRunsTheSame("""
        using System;
        using System.IO;

        public static class Subject
        {
            public static byte[] Run(byte[] input)
            {
                var source = new MemoryStream(input);
                var output = new MemoryStream();
                while (source.Position < source.Length)
                {
                    var word = {|BND3001:new byte[8]|};
                    source.ReadAtLeast(word.AsSpan(), word.Length, throwOnEndOfStream: false);
                    output.WriteByte((byte)(word[0] ^ word[7]));
                    output.Write(word);
                }

                return output.ToArray();
            }
        }
        """, """
        using System;
        using System.IO;

        public static class Subject
        {
            public static byte[] Run(byte[] input)
            {
                var source = new MemoryStream(input);
                var output = new MemoryStream();
                Span<byte> word = stackalloc byte[8];
                while (source.Position < source.Length)
                {
                    word.Clear();
                    source.ReadAtLeast(word, word.Length, throwOnEndOfStream: false);
                    output.WriteByte((byte)(word[0] ^ word[7]));
                    output.Write(word);
                }

                return output.ToArray();
            }
        }
        """, HotPathArrayAllocationCodeFixProvider.StackallocKey, "bounded.min_array_size = 8");
    [Fact]
    public Task StackBufferSlicedIntoTheSpanOverloadRendersTheSameText() => FixRunsTheSame("""
        using System;
        using System.Text;

        [AttributeUsage(AttributeTargets.Method)]
        sealed class HotPathAttribute : Attribute { }

        public static class Subject
        {
            public static byte[] Run(byte[] input) => Encoding.ASCII.GetBytes(Render(input.Length));

            [HotPath]
            private static string Render(int count)
            {
                var buffer = {|BND3001:new byte[64]|};
                var length = Encoding.ASCII.GetBytes($"{count}/{count * 3L}", buffer);
                return Encoding.ASCII.GetString(buffer, 0, length);
            }
        }
        """, """
        using System;
        using System.Text;

        [AttributeUsage(AttributeTargets.Method)]
        sealed class HotPathAttribute : Attribute { }

        public static class Subject
        {
            public static byte[] Run(byte[] input) => Encoding.ASCII.GetBytes(Render(input.Length));

            [HotPath]
            private static string Render(int count)
            {
                Span<byte> buffer = stackalloc byte[64];
                var length = Encoding.ASCII.GetBytes($"{count}/{count * 3L}", buffer);
                return Encoding.ASCII.GetString(buffer.Slice(0, length));
            }
        }
        """, BoundedCodeFixProvider.DefaultKey(RuleIds.HotPathByteArray));

    [Fact]
    public Task PooledScratchBufferOfAStreamOverrideReadsTheSameBytes() => FixRunsTheSame($$"""
        using System;
        using System.IO;

        public static class Subject
        {
            public static byte[] Run(byte[] input)
            {
                var stream = new Prefixed(new MemoryStream(input));
                var output = new byte[input.Length + 10];
                var total = 0;
                int read;
                while ((read = stream.Read(output, total, Math.Min(777, output.Length - total))) > 0)
                {
                    total += read;
                }

                return output.AsSpan(0, total).ToArray();
            }
        }

        class Prefixed : Stream
        {
            private readonly Stream _inner;
            public Prefixed(Stream inner) => _inner = inner;
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

        public static class Subject
        {
            public static byte[] Run(byte[] input)
            {
                var stream = new Prefixed(new MemoryStream(input));
                var output = new byte[input.Length + 10];
                var total = 0;
                int read;
                while ((read = stream.Read(output, total, Math.Min(777, output.Length - total))) > 0)
                {
                    total += read;
                }

                return output.AsSpan(0, total).ToArray();
            }
        }

        class Prefixed : Stream
        {
            private readonly Stream _inner;
            public Prefixed(Stream inner) => _inner = inner;
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
        """, BoundedCodeFixProvider.DefaultKey(RuleIds.HotPathByteArray));
}
