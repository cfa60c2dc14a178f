#!/usr/bin/env node
// prebuildify only knows node-gyp: it runs `$PREBUILD_NODE_GYP rebuild --target=... --release`
// and collects build/Release/*.node. This stands in for node-gyp and builds through CMake; the
// node-gyp arguments mean nothing to cmake-js, so they are dropped.
'use strict';
process.argv.length = 2;
require('./build-addon.js');
