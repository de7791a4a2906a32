using System.Threading.Tasks;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Bounded.CodeFixes.Concurrency;
using Bounded.CodeFixes.Memory;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Memory;

public class BND3002FixTests
{
    private const string Key = RentedLengthCodeFixProvider.RequestedLengthKey;

    private static Task Fix(string source, string fixedSource) =>
        Verify.FixAsync<ArrayPoolMisuseAnalyzer, RentedLengthCodeFixProvider>(MemorySources.Wrap(source), MemorySources.Wrap(fixedSource), Key);

    [Fact]
    public Task UsesTheRequestedParameter() => Fix("""
            public void Send(Stream stream, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    stream.Write(buffer, 0, {|BND3002:buffer.Length|});
                    Log(Convert.ToBase64String({|BND3002:buffer|}));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """, """
            public void Send(Stream stream, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    stream.Write(buffer, 0, size);
                    Log(Convert.ToBase64String(buffer.AsSpan(0, size)));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task IntroducesARequestedLengthLocalOnce() => Fix("""
            public void Send(Socket socket, string text)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
                try
                {
                    Encoding.UTF8.GetBytes(text, buffer);
                    socket.Send({|BND3002:buffer|});
                    Log(Convert.ToHexString(SHA256.HashData({|BND3002:buffer|})));
                    for (var i = 0; i < {|BND3002:buffer.Length|}; i++)
                    {
                        _count += buffer[i];
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """, """
            public void Send(Socket socket, string text)
            {
                var bufferLength = Encoding.UTF8.GetMaxByteCount(text.Length);
                var buffer = ArrayPool<byte>.Shared.Rent(bufferLength);
                try
                {
                    Encoding.UTF8.GetBytes(text, buffer);
                    socket.Send(buffer.AsSpan(0, bufferLength));
                    Log(Convert.ToHexString(SHA256.HashData(buffer.AsSpan(0, bufferLength))));
                    for (var i = 0; i < bufferLength; i++)
                    {
                        _count += buffer[i];
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task LiteralLengthAndMemoryForAsyncWrites() => Fix("""
            public async Task FlushAsync(Stream stream, CancellationToken cancellationToken)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(512);
                try
                {
                    await stream.WriteAsync({|BND3002:buffer|}, cancellationToken);
                    Process(buffer.AsSpan(0, {|BND3002:buffer.Length|}));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """, """
            public async Task FlushAsync(Stream stream, CancellationToken cancellationToken)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(512);
                try
                {
                    await stream.WriteAsync(buffer.AsMemory(0, 512), cancellationToken);
                    Process(buffer.AsSpan(0, 512));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task WholeArrayViewsGetTheRequestedLength() => Fix("""
            public async Task ForwardAsync(Stream stream, int size, CancellationToken cancellationToken)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    Process({|BND3002:buffer|}.AsSpan());
                    await stream.WriteAsync({|BND3002:buffer|}.AsMemory(), cancellationToken);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """, """
            public async Task ForwardAsync(Stream stream, int size, CancellationToken cancellationToken)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    Process(buffer.AsSpan(0, size));
                    await stream.WriteAsync(buffer.AsMemory(0, size), cancellationToken);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    /// <summary>No span overload, but one that takes (array, offset, count) after the array: the requested length goes there.</summary>
    [Fact]
    public Task RangeOverloadWhenThereIsNoSpanOverload() => Fix("""
            public void Describe(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    Log(BitConverter.ToString({|BND3002:buffer|}));
                    using var sha = SHA256.Create();
                    Log(Convert.ToHexString(sha.ComputeHash({|BND3002:buffer|})));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """, """
            public void Describe(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    Log(BitConverter.ToString(buffer, 0, size));
                    using var sha = SHA256.Create();
                    Log(Convert.ToHexString(sha.ComputeHash(buffer, 0, size)));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    /// <summary>No fix when the call names its arguments: where the offset and count would go is not positional.</summary>
    [Fact]
    public Task NoRangeOverloadFixWithNamedArguments() => Verify.NoFixAsync<ArrayPoolMisuseAnalyzer, RentedLengthCodeFixProvider>(MemorySources.Wrap("""
            public void Describe(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    Log(BitConverter.ToString(value: {|BND3002:buffer|}));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """));
}
