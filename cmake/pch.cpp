// The one file of the precompiled-header targets (cmake/PrecompiledHeaders.cmake):
// compiling it makes the header that other targets reuse.
