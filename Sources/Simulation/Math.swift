import Glibc

// libm through Glibc, without Foundation.
@inline(__always) func _sin(_ x: Double) -> Double { Glibc.sin(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
