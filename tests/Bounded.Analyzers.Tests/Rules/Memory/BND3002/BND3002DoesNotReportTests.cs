using System.Threading.Tasks;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Memory.BND3002Verify;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>BND3002: look-alikes and options that must stay quiet.
/// Every case returns the array in a finally block, so only BND3002 can fire.
/// </summary>
public class BND3002DoesNotReportTests
{
    // StackExchange.Redis's GetHashSlot: the local holds the caller's array first, a rented one only later.
    [Fact]
    public Task LocalHoldsAnotherArrayBeforeTheRent() => Verify.AnalyzerAsync<ArrayPoolMisuseAnalyzer>(MemorySources.Wrap("""
            public static int Slot(byte[]? simple, int length)
            {
                if (TryGetSimple(simple, out var arr))
                {
                    return Checksum(arr);
                }

                arr = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    return Checksum(arr.AsSpan(0, length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(arr);
                }
            }

            private static bool TryGetSimple(byte[]? simple, out byte[] arr)
            {
                arr = simple ?? Array.Empty<byte>();
                return simple != null;
            }

            private static int Checksum(ReadOnlySpan<byte> data) => data.Length;
        """));

    [Fact]
    public Task WholeArraySpanAsAReadDestination() => Check("""
                    var read = await stream.ReadAsync(buffer.AsMemory(), cancellationToken);
                    Process(buffer.AsSpan(0, read));
        """);

    [Fact]
    public Task CopyLoopReadsIntoTheWholeArray() => Check("""
                    int read;
                    while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        Process(buffer.AsSpan(0, read));
                    }
        """);

    [Fact]
    public Task AsyncReadIntoTheWholeArray() => Check("""
                    var read = await stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken);
                    await stream.WriteAsync(buffer, 0, read, cancellationToken);
        """);

    [Fact]
    public Task AsyncReadIntoAFullLengthMemory() => Check("""
                    var read = await stream.ReadAsync(buffer.AsMemory(0, buffer.Length), cancellationToken);
                    Process(buffer.AsSpan(0, read));
        """);

    [Fact]
    public Task SocketReceiveIntoTheWholeArray() => Check("""
                    var received = socket.Receive(buffer);
                    Process(buffer.AsSpan(0, received));
        """, "Socket socket, int size");

    [Fact]
    public Task FillingWithRandomBytes() => Check("""
                    RandomNumberGenerator.Fill(buffer);
                    Process(buffer.AsSpan(0, size));
        """);

    [Fact]
    public Task ClearingTheWholeArray() => Check("""
                    Array.Clear(buffer);
                    Process(buffer.AsSpan(0, size));
        """);

    [Fact]
    public Task SliceToTheRequestedLength() => Check("""
                    stream.ReadExactly(buffer, 0, size);
                    Log(Convert.ToHexString(SHA256.HashData(buffer.AsSpan(0, size))));
        """);

    [Fact]
    public Task LoopThatOnlyWritesElements() => Check("""
                    for (var i = 0; i < buffer.Length; i++)
                    {
                        buffer[i] = 0;
                    }
        """);

    [Fact]
    public Task CopyIntoTheArrayWithTheSourceLength() => Check("""
                    var source = new byte[] { 1, 2, 3 };
                    Array.Copy(source, buffer, source.Length);
                    Process(buffer.AsSpan(0, source.Length));
        """);

    [Fact]
    public Task EncodingIntoTheArray() => Check("""
                    var text = "hello";
                    var written = Encoding.UTF8.GetBytes(text, 0, text.Length, buffer, 0);
                    stream.Write(buffer, 0, written);
        """);

    [Fact]
    public Task CapacityCheckOnLength() => Check("""
                    if (buffer.Length < size * 2)
                    {
                        Log("small");
                    }
        """);

    [Fact]
    public Task WriteWithTheReadCount() => Check("""
                    var read = stream.Read(buffer, 0, size);
                    stream.Write(buffer, 0, read);
        """);

    [Fact]
    public Task MinOfLengthAndRemaining() => Check("""
                    var chunk = Math.Min(buffer.Length, size);
                    stream.Write(buffer, 0, chunk);
        """);

    [Fact]
    public Task ReadAtLeastIntoTheWholeArray() => Check("""
                    var read = stream.ReadAtLeast(buffer, size);
                    Process(buffer.AsSpan(0, read));
        """);

    [Fact]
    public Task SpanOverTheWholeArrayIsADestination() => Check("""
                    var read = stream.Read(new Span<byte>(buffer));
                    Process(buffer.AsSpan(0, read));
        """);

    [Fact]
    public Task CopyToTheRentedArray() => Check("""
                    var source = new byte[] { 1, 2, 3 };
                    source.CopyTo(buffer, 0);
                    source.AsSpan().CopyTo(buffer);
        """);

    [Fact]
    public Task FullLengthSpanKeptInALocal() => Verify.AnalyzerAsync<ArrayPoolMisuseAnalyzer>(MemorySources.Wrap("""
            public void Copy(Stream stream, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    Span<byte> span = buffer.AsSpan(0, buffer.Length);
                    var read = stream.Read(span);
                    Process(span.Slice(0, read));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """));

    [Fact]
    public Task ArrayNotFromThePool() => Verify.AnalyzerAsync<ArrayPoolMisuseAnalyzer>(MemorySources.Wrap("""
            public void Send(Socket socket, int size)
            {
                var buffer = new byte[size];
                socket.Send(buffer, 0, buffer.Length, SocketFlags.None);
                Log(Convert.ToBase64String(buffer));
            }
        """));

    [Fact]
    public Task ArrayStoredInAFieldIsNotAnalysed() => Verify.AnalyzerAsync<ArrayPoolMisuseAnalyzer>(MemorySources.Wrap("""
            public void Send(Socket socket, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                _buffer = buffer;
                socket.Send(buffer, 0, buffer.Length, SocketFlags.None);
            }
        """));

    [Fact]
    public Task TextWriterWithTheRequestedCount() => Check("""
                    using var writer = new StreamWriter(stream);
                    var chars = ArrayPool<char>.Shared.Rent(size);
                    try
                    {
                        writer.Write(chars, 0, size);
                    }
                    finally
                    {
                        ArrayPool<char>.Shared.Return(chars);
                    }
        """);
}
