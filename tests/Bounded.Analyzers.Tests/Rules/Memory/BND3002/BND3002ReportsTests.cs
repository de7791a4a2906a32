using System.Threading.Tasks;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Memory.BND3002Verify;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>BND3002: code that is reported.
/// Every case returns the array in a finally block, so only BND3002 can fire.
/// </summary>
public class BND3002ReportsTests
{
    [Fact]
    public Task StreamWriteOfTheWholeLength() => Check("""
                    stream.Write(buffer, 0, {|BND3002:buffer.Length|});
        """);

    [Fact]
    public Task AsyncStreamWriteOfTheWholeLength() => Check("""
                    await stream.WriteAsync(buffer, 0, {|BND3002:buffer.Length|}, cancellationToken);
        """);

    [Fact]
    public Task SocketSendOfTheWholeArray() => Check("""
                    socket.Send({|BND3002:buffer|});
        """, "Socket socket, int size");

    [Fact]
    public Task Base64OfTheWholeArray() => Check("""
                    Log(Convert.ToBase64String({|BND3002:buffer|}));
        """);

    [Fact]
    public Task HashOfTheWholeArray() => Check("""
                    stream.ReadExactly(buffer, 0, size);
                    Log(Convert.ToHexString(SHA256.HashData({|BND3002:buffer|})));
        """);

    [Fact]
    public Task SliceToTheFullLengthHandedToAReader() => Check("""
                    Process(buffer.AsSpan(0, {|BND3002:buffer.Length|}));
        """);

    [Fact]
    public Task LoopBoundReadsGarbage() => Check("""
                    var sum = 0;
                    for (var i = 0; i < {|BND3002:buffer.Length|}; i++)
                    {
                        sum += buffer[i];
                    }

                    Log(sum.ToString());
        """);

    [Fact]
    public Task DecodingTheWholeArray() => Check("""
                    Log(Encoding.UTF8.GetString({|BND3002:buffer|}));
        """);

    [Fact]
    public Task DecodingWithTheFullLength() => Check("""
                    Log(Encoding.UTF8.GetString(buffer, 0, {|BND3002:buffer.Length|}));
        """);

    [Fact]
    public Task CopyingTheWholeArrayWithToArray() => Check("""
                    _pending.Enqueue({|BND3002:buffer|}.ToArray());
        """);

    [Fact]
    public Task MemoryStreamOverTheWholeArray() => Check("""
                    using var reader = new StreamReader(new MemoryStream({|BND3002:buffer|}));
                    Log(reader.ReadToEnd());
        """);

    [Fact]
    public Task WriteAllBytesOfTheWholeArray() => Check("""
                    File.WriteAllBytes("out.bin", {|BND3002:buffer|});
        """);

    [Fact]
    public Task SendAsyncOfAFullLengthMemory() => Check("""
                    await socket.SendAsync(buffer.AsMemory(0, {|BND3002:buffer.Length|}), SocketFlags.None, cancellationToken);
        """, "Socket socket, int size");

    [Fact]
    public Task ReadOnlySpanConstructedOverTheFullLength() => Check("""
                    Process(new ReadOnlySpan<byte>(buffer, 0, {|BND3002:buffer.Length|}));
        """);

    [Fact]
    public Task ComputeHashOfTheWholeArray() => Check("""
                    using var sha = SHA256.Create();
                    Log(Convert.ToHexString(sha.ComputeHash({|BND3002:buffer|})));
        """);

    [Fact]
    public Task BitConverterOfTheWholeArray() => Check("""
                    Log(BitConverter.ToString({|BND3002:buffer|}));
        """);

    [Fact]
    public Task RangeToTheFullLength() => Check("""
                    _pending.Enqueue(buffer[..{|BND3002:buffer.Length|}]);
        """);

    [Fact]
    public Task HexStringOfTheWholeArray() => Check("""
                    Log(Convert.ToHexString({|BND3002:buffer|}));
        """);

    [Fact]
    public Task StreamWriteSpanOverload() => Check("""
                    stream.Write({|BND3002:buffer|});
        """);

    [Fact]
    public Task UserMethodTakingAReadOnlySpan() => Check("""
                    Process({|BND3002:buffer|});
        """);

    [Fact]
    public Task ToArrayOfAFullLengthSpan() => Check("""
                    _pending.Enqueue(buffer.AsSpan(0, {|BND3002:buffer.Length|}).ToArray());
        """);

    [Fact]
    public Task ReadThenProcessTheWholeArray() => Check("""
                    var read = await stream.ReadAsync(buffer, 0, size, cancellationToken);
                    Log(read.ToString());
                    await stream.WriteAsync({|BND3002:buffer|}, cancellationToken);
        """);

    [Fact]
    public Task WholeArraySpanHandedToAReader() => Check("""
                    var read = stream.Read(buffer, 0, size);
                    Process({|BND3002:buffer|}.AsSpan());
                    Log(read.ToString());
        """);

    [Fact]
    public Task WholeArrayMemoryWrittenToAStream() => Check("""
                    await stream.WriteAsync({|BND3002:buffer|}.AsMemory(), cancellationToken);
        """);
}
